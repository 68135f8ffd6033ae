"""Helpers the orgs services share."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.jurisdiction import user_can_act_in
from core.limits import check_text


def clean_fields_into(errors: FieldErrors, instance, *, exclude=()) -> None:
    """The model's own field checks (length, choices, digits): no query. Fields that already have an
    error are left out, so a field is told once."""
    try:
        instance.clean_fields(exclude=[*exclude, *errors])
    except ValidationError as exc:
        errors.merge(exc)


def check_texts(errors: FieldErrors, instance, names) -> None:
    """Every named text field: its length and no control characters (core.limits)."""
    for name in names:
        field = instance._meta.get_field(name)
        check_text(errors, name, getattr(instance, name), max_length=field.max_length)


def check_township(errors: FieldErrors, user, key: str, township_code: str | None) -> None:
    if township_code and not user_can_act_in(user, township_code):
        errors.add(key, _("只能录入本乡镇（街道）的记录。"))


def today() -> datetime.date:
    return timezone.localdate()


def strip(value) -> str:
    return (value or "").strip()


def check_quantity(errors: FieldErrors, key: str, value, *, minimum, maximum, unit: str) -> None:
    """A measured quantity (an area, hours) in its plausible range, the message saying it."""
    if value is None or key in errors:
        return
    if not (minimum <= value <= maximum):
        errors.add(key, _("应在 %(a)s 至 %(b)s %(u)s之间。") % {"a": f"{minimum:,}", "b": f"{maximum:,}", "u": unit})


def save_unique(instance, errors: FieldErrors, key: str, message) -> None:
    """Save, turning a unique constraint lost to a concurrent request (both passed the check a moment
    apart) into the same field error the check gives, never a server error."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        errors.add(key, message)
        errors.raise_if_any()
