"""Helpers the eldercare services share."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors, violated_constraint
from core.jurisdiction import user_can_act_in
from core.limits import check_date, check_text
from eldercare.models import Status


def check_township(errors: FieldErrors, user, township) -> None:
    if township is None:
        errors.add("township", _("请选择所在乡镇（街道）。"))
    elif not user_can_act_in(user, township.code):
        errors.add("township", _("只能登记本乡镇（街道）的设施。"))


def check_place_fields(errors: FieldErrors, obj) -> None:
    """Name, address, note and the opening/closing dates of an institution or facility: past
    events, except the planned opening of one still being built."""
    obj.name = (obj.name or "").strip()
    if not obj.name:
        errors.add("name", _("请填写名称。"))
    check_text(errors, "name", obj.name, max_length=100)
    check_text(errors, "address", obj.address, max_length=200)
    check_text(errors, "note", obj.note, max_length=200)
    check_date(errors, "opened_on", obj.opened_on, not_after_today=obj.status != Status.PLANNED)
    check_date(errors, "closed_on", obj.closed_on, not_after_today=True)


@contextmanager
def saved_once(recheck: Callable[[FieldErrors], None], *, constraint: str | None = None) -> Iterator[None]:
    """Run the insert in a savepoint. Two requests at once can both pass a service's check before
    either commits; the second then breaks the unique constraint and is refused with the check's
    own message (`recheck`, run again, now finds the row the first one committed) instead of a
    500. Any other integrity error (another constraint, nothing found again) is raised as it is."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if constraint is not None and violated_constraint(exc) not in (constraint, None):
            raise
        errors = FieldErrors()
        recheck(errors)
        if not errors:
            raise
        raise ValidationError(dict(errors)) from None
