"""Manual values and the recorded choice between the computed and the manual value. Both are
among the yearly values the indicator's API shows, so each moves the indicator's `updated_at`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_text, check_year
from indicators.models import Indicator, ManualValue, ValueChoice
from indicators.status import FINAL_YEAR

#: Values are kept for the 2020 base and the plan's years.
FIRST_VALUE_YEAR = 2020


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


@transaction.atomic
def manual_value_enter(*, user, indicator: Indicator, year: int, value, source: str, reason: str) -> ManualValue:
    errors = FieldErrors()
    check_year(errors, "year", year, earliest=FIRST_VALUE_YEAR, latest=FINAL_YEAR)
    source, reason = (source or "").strip(), (reason or "").strip()
    if not source:
        errors.add("source", _("请填写数据来源。"))
    if not reason:
        errors.add("reason", _("请填写录入原因。"))
    check_text(errors, "source", source, max_length=_max_length(ManualValue, "source"))
    check_text(errors, "reason", reason, max_length=_max_length(ManualValue, "reason"))
    errors.raise_if_any()
    value = ManualValue.objects.create(
        indicator=indicator, year=year, value=value, source=source, reason=reason, entered_by=user
    )
    touch(Indicator, [indicator.pk])
    return value


@transaction.atomic
def value_choose(*, user, indicator: Indicator, year: int, source: str, reason: str) -> ValueChoice:
    """Record which value counts; choosing the manual value needs one to exist."""
    errors = FieldErrors()
    check_year(errors, "year", year, earliest=FIRST_VALUE_YEAR, latest=FINAL_YEAR)
    if source not in ValueChoice.Source.values:
        errors.add("source", _("应为 computed 或 manual。"))
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", _("请说明采用理由。"))
    check_text(errors, "reason", reason, max_length=_max_length(ValueChoice, "reason"))
    errors.raise_if_any()
    if source == ValueChoice.Source.MANUAL and not ManualValue.objects.filter(indicator=indicator, year=year).exists():
        raise ValidationError({"source": [_("该年度没有人工录入值。")]})
    choice = ValueChoice.objects.create(indicator=indicator, year=year, source=source, reason=reason, chosen_by=user)
    touch(Indicator, [indicator.pk])
    return choice
