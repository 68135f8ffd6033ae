"""Helpers the child welfare services share: ages, working days, phone numbers and a model's own
checks without repeating a field's error."""

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.identifiers import validate_person_name
from core.limits import check_text

PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$")
ADULT_AGE = 18
#: 留守儿童 (国发〔2016〕13号): under 16.
LEFT_BEHIND_MAX_AGE = 16


def birthday(birth: date, years: int) -> date:
    """The `years`-th birthday (29 February's falls on 1 March in common years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the day itself does not count): Monday to Friday,
    minus the State Council's public holidays plus its make-up working days, from the
    `chinesecalendar` package that `seed_holidays` loads too (outside its years: weekdays)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def is_workday(day: date) -> bool:
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except (ImportError, NotImplementedError):
        return day.weekday() < 5


def check_phone(errors: FieldErrors, key: str, value: str) -> None:
    if value and not PHONE.match(value):
        errors.add(key, _("电话号码格式不正确（手机11位，或固定电话如 0595-86381234）。"))


def check_name(errors: FieldErrors, key: str, value: str, *, required: bool = False) -> None:
    if not value:
        if required:
            errors.add(key, _("请填写姓名。"))
        return
    check_text(errors, key, value, max_length=50)
    if key not in errors:
        try:
            validate_person_name(value)
        except ValidationError as exc:
            errors.add(key, exc.messages[0])
