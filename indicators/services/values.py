"""Manual values and the recorded choice between the computed and the manual value."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators.models import Indicator, ManualValue, ValueChoice


def manual_value_enter(*, user, indicator: Indicator, year: int, value, source: str, reason: str) -> ManualValue:
    errors = {}
    if not 2020 <= year <= 2025:
        errors["year"] = [_("年份应在2020–2025之间。")]
    if not (source or "").strip():
        errors["source"] = [_("请填写数据来源。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写录入原因。")]
    if errors:
        raise ValidationError(errors)
    return ManualValue.objects.create(
        indicator=indicator, year=year, value=value, source=source.strip(), reason=reason.strip(), entered_by=user
    )


def value_choose(*, user, indicator: Indicator, year: int, source: str, reason: str) -> ValueChoice:
    """Record which value counts; choosing the manual value needs one to exist."""
    if source not in ValueChoice.Source.values:
        raise ValidationError({"source": [_("应为 computed 或 manual。")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请说明采用理由。")]})
    if source == ValueChoice.Source.MANUAL and not ManualValue.objects.filter(indicator=indicator, year=year).exists():
        raise ValidationError({"source": [_("该年度没有人工录入值。")]})
    return ValueChoice.objects.create(
        indicator=indicator, year=year, source=source, reason=reason.strip(), chosen_by=user
    )
