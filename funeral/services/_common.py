"""Small helpers the funeral services share: money rounding and parsing, the phone number and name
rules, the date of something that has happened, and a model's own checks without repeating a
field's error."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.identifiers import validate_person_name
from core.limits import check_date

CENT = Decimal("0.01")
# core's rule for phone numbers: mobile (11 digits from 1) or a landline with or without area code.
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, key: str, errors: FieldErrors) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        errors.add(key, _("金额格式不正确：%(v)s") % {"v": value})
        return None
    if amount < 0:
        errors.add(key, _("金额不能为负数。"))
        return None
    return amount


def check_past_date(errors: FieldErrors, key: str, day: datetime.date | None) -> None:
    """The date of something that has happened (a death, a cremation, a burial, a tomb found):
    in the bureau's window and not after today, the message saying the range (core.limits)."""
    check_date(errors, key, day, not_after_today=True)


def check_name(errors: FieldErrors, key: str, name: str) -> None:
    """A person's name (core's rule: letters, the middle dot, spaces, hyphens)."""
    if name and key not in errors:
        try:
            validate_person_name(name)
        except ValidationError as exc:
            errors.add(key, exc.messages[0])
