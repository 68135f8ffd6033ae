"""Helpers the eldercare services share."""

from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
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
