"""Assistance's plan indicators (Table 2): 1 (dibao standard / minimum wage) and 9 (return rate of
rescued people whose identity was established)."""

from datetime import date

from django.urls import reverse

from assistance.calculation import standard_in_force
from assistance.models import Rescue, Standard
from assistance.selectors import rescue_year_outcomes, rescue_year_totals
from indicators.providers import Actual, NoData, ratio, register


@register(1)
def dibao_to_minimum_wage(year: int, as_of: date) -> Actual:
    """Monthly dibao standard in force at year end / monthly minimum wage in force at year end × 100."""
    dibao = standard_in_force(Standard.Kind.DIBAO, as_of)
    wage = standard_in_force(Standard.Kind.MINIMUM_WAGE, as_of)
    if dibao is None or wage is None:
        missing = "低保标准" if dibao is None else "当地最低工资标准"
        raise NoData(f"{as_of.isoformat()} 没有生效的{missing}")
    return Actual(
        value=ratio(dibao.amount, wage.amount),
        numerator=dibao.amount,
        denominator=wage.amount,
        note=f"低保标准 {dibao.amount} 元/月（{dibao.effective_from} 起）÷ 最低工资 {wage.amount} 元/月"
        f"（{wage.effective_from} 起）× 100",
        detail={"link": reverse("assistance:standard_list")},
    )


@register(9)
def vagrant_return_rate(year: int, as_of: date) -> Actual:
    """Rescued in the year with identity established and escorted or returned home / rescued in the
    year with identity established × 100 (both as of `as_of`)."""
    totals = rescue_year_totals(Rescue.objects.all(), year=year, as_of=as_of)
    if not totals["identified"]:
        raise NoData(f"{year} 年没有查明身份的受助人员记录")
    by_outcome = rescue_year_outcomes(Rescue.objects.all(), year=year, as_of=as_of)
    labels = dict(Rescue.Outcome.choices)
    return Actual(
        value=ratio(totals["returned"], totals["identified"]),
        numerator=totals["returned"],
        denominator=totals["identified"],
        note=f"{year} 年受助 {totals['rescued']} 人次，查明身份 {totals['identified']} 人，"
        f"接送或自行返回 {totals['returned']} 人",
        detail={
            "breakdown": [{"label": str(labels.get(k, k)), "count": str(n)} for k, n in sorted(by_outcome.items())],
            "link": f"{reverse('assistance:rescue_list')}?year={year}",
        },
    )
