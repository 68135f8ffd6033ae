"""Small helpers the funeral services share: money rounding and parsing, the phone number rule and
the not-in-the-future check."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors

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


def check_not_future(errors: FieldErrors, key: str, day: datetime.date | None, label: str) -> None:
    if day and day > timezone.localdate():
        errors.add(key, _("%(label)s不能晚于今天。") % {"label": label})
