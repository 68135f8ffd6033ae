"""Plausible ranges for what people type: dates, years, text and money. Each limit is enforced twice,
by the same numbers: a database constraint (the last line, whatever door the value came through)
and the services' check, which names the field and says the range. Apps declare their own bounds
for money fields; the date window and text sizes are the bureau's, shared by every app.

    class Meta:
        constraints = [date_range_constraint("applied_on", name="case_applied_on_plausible")]

    errors = FieldErrors()
    check_date(errors, "applied_on", data["applied_on"], not_after_today=True)
    check_text(errors, "reason", data["reason"], max_length=REASON_MAX)
    check_money(errors, "amount", data["amount"], minimum=Decimal("1"), maximum=Decimal("100000"))
"""

import re
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import FieldErrors

#: No record the bureau keeps starts before 1900 (the oldest living person was born after it), and
#: nothing is planned past 2100. The services narrow this further (not in the future, etc.).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_YEAR, LATEST_YEAR = EARLIEST_DATE.year, LATEST_DATE.year

#: Text sizes: a short note (a comment on a step), a reason or description (a paragraph or two),
#: and a long text (a report's body). Shared so forms, API and database agree.
NOTE_MAX = 500
REASON_MAX = 2000
LONG_TEXT_MAX = 20000


def date_range_constraint(field: str, *, name: str) -> models.CheckConstraint:
    """The database's half of the date window: NULL passes (optional dates), anything else must fall in it."""
    return models.CheckConstraint(
        condition=_in_range(field, EARLIEST_DATE, LATEST_DATE),
        name=name,
        violation_error_message=gettext_lazy("日期应在 1900-01-01 至 2100-12-31 之间。"),
    )


def year_range_constraint(field: str, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=_in_range(field, EARLIEST_YEAR, LATEST_YEAR),
        name=name,
        violation_error_message=gettext_lazy("年份应在 1900 至 2100 之间。"),
    )


def text_length_constraint(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """For TextFields: the database refuses what the service would (CharField has max_length already)."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), max_length),
        name=name,
        violation_error_message=gettext_lazy("内容过长，超过允许的字数。"),
    )


def money_range_constraint(field: str, minimum: Decimal, maximum: Decimal, *, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=_in_range(field, minimum, maximum),
        name=name,
        violation_error_message=gettext_lazy("金额超出允许的范围。"),
    )


def _in_range(field: str, low, high) -> models.Q:
    return models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


def check_date(
    errors: FieldErrors,
    field: str,
    value: date | None,
    *,
    earliest: date | None = None,
    latest: date | None = None,
    not_after_today: bool = False,
    today: date | None = None,
) -> None:
    """Add a field error unless `value` is in [earliest, latest] (the bureau's window by default;
    `not_after_today` for what has happened: a death, an intake, an application). An import passes
    `today`, read once for the file."""
    if value is None:
        return
    low = max(earliest or EARLIEST_DATE, EARLIEST_DATE)
    high = min(latest or LATEST_DATE, LATEST_DATE)
    if not_after_today:
        high = min(high, today or timezone.localdate())
    if not (low <= value <= high):
        errors.add(field, _("日期应在 %(a)s 至 %(b)s 之间。") % {"a": low.isoformat(), "b": high.isoformat()})


def check_year(errors: FieldErrors, field: str, value: int | None, *, earliest=None, latest=None) -> None:
    if value is None:
        return
    low, high = earliest or EARLIEST_YEAR, latest or LATEST_YEAR
    if not (low <= value <= high):
        errors.add(field, _("年份应在 %(a)s 至 %(b)s 之间。") % {"a": low, "b": high})


def check_text(errors: FieldErrors, field: str, value: str | None, *, max_length: int) -> None:
    """Refuse, never cut: a text longer than the field holds is an error that says the limit; a
    control character (other than a line break or tab) is refused too: no one types one, and a
    spreadsheet cannot hold it."""
    if value and _CONTROL.search(value):
        errors.add(field, _("含有不可见的控制字符，请删除后重新输入。"))
    if value and len(value) > max_length:
        errors.add(
            field, _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": f"{max_length:,}", "m": f"{len(value):,}"}
        )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_money(errors: FieldErrors, field: str, value: Decimal | None, *, minimum: Decimal, maximum: Decimal) -> None:
    if value is None:
        return
    if not (minimum <= value <= maximum):
        errors.add(field, _("金额应在 %(a)s 至 %(b)s 元之间。") % {"a": f"{minimum:,}", "b": f"{maximum:,}"})
