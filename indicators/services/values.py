"""Manual values and the recorded choice between the computed and the manual value. Both are
among the yearly values the indicator's API shows, so each moves the indicator's `updated_at`.

Either one entered for a year that is approved voids the year's approval (recorded on it: who,
when, what): the approval vouched for the year's figures, and these change them, so the year
shows as needing approval again until someone approves it anew."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.limits import check_text, check_year
from indicators.models import Indicator, ManualValue, ValueChoice
from indicators.services.approvals import year_approval_void
from indicators.status import FINAL_YEAR

#: Values are kept for the 2020 base and the plan's years.
FIRST_VALUE_YEAR = 2020


#: The largest value a rate in each unit can take: a share (%, ‰) cannot pass the whole, and beds per
#: 1000 older people (indicator 3, 张) cannot pass one bed each.
UNIT_MAX = {"%": Decimal(100), "‰": Decimal(1000), "张": Decimal(1000)}
#: Any other indicator (floor area per 100 households, a count of organisations) stays below this:
#: the plan's largest figure is 808; a value past a million is a typing slip, not a measurement.
MAGNITUDE_MAX = Decimal(1_000_000)
#: Units that count things: the value is a whole number.
COUNT_UNITS = {"个"}


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def check_value(errors: FieldErrors, field: str, indicator: Indicator, value) -> Decimal | None:
    """The range a value of `indicator` can take by its unit: never negative; a percentage 0–100 (‰
    0–1000); a count a whole number; nothing past MAGNITUDE_MAX. Returns the value as a Decimal."""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.add(field, _("请输入数字。"))
        return None
    if not value.is_finite():
        errors.add(field, _("请输入数字。"))
        return None
    high = UNIT_MAX.get(indicator.unit, MAGNITUDE_MAX)
    if not Decimal(0) <= value <= high:
        errors.add(
            field,
            _("该指标以“%(unit)s”计，数值应在 0 至 %(max)s 之间。") % {"unit": indicator.unit, "max": f"{high:,}"},
        )
    elif indicator.unit in COUNT_UNITS and value != value.to_integral_value():
        errors.add(field, _("该指标是计数，数值应为整数。"))
    return value


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
    value = check_value(errors, "value", indicator, value)
    errors.raise_if_any()
    value = ManualValue.objects.create(
        indicator=indicator, year=year, value=value, source=source, reason=reason, entered_by=user
    )
    touch(Indicator, [indicator.pk])
    year_approval_void(
        user=user,
        year=year,
        reason=_("第%(no)s项指标录入了人工值 %(value)s。") % {"no": indicator.no, "value": value.value},
    )
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
    year_approval_void(
        user=user,
        year=year,
        reason=_("第%(no)s项指标改为采用%(source)s。")
        % {"no": indicator.no, "source": ValueChoice.Source(source).label},
    )
    return choice
