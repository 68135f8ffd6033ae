"""Indicator 6 of the plan's Table 2, from the station register alone."""

import datetime
from decimal import Decimal

from django.urls import reverse

from childwelfare.models import Station
from core.models import Division
from indicators.providers import Actual, ratio, register

#: The plan counts 26 township-level divisions (the development zone is a statistical unit only).
PLAN_TOWNSHIPS = 26


def year_end(year: int, as_of: datetime.date) -> datetime.date:
    return min(datetime.date(year, 12, 31), as_of)


def coverage_on(day: datetime.date) -> dict[str, list[tuple[str, str]]]:
    """{township code: [(kind, name), ...]} of the plan's townships with an operating station or
    designated officer on `day` (opened on or before it, not closed on or before it)."""
    covered: dict[str, list[tuple[str, str]]] = {}
    rows = (
        Station.objects.operating_on(day)
        .filter(township__in_plan=True)
        .order_by("township_id", "kind", "name")
        .values_list("township_id", "kind", "name")
    )
    for code, kind, name in rows:
        covered.setdefault(code, []).append((kind, name))
    return covered


@register(6)
def minor_protection_station_coverage(year: int, as_of: datetime.date) -> Actual:
    """乡镇（街道）未成年人保护工作站覆盖率: the plan's townships with an operating station or a
    designated officer on 31 December (as_of in the current year) / 26 × 100."""
    day = year_end(year, as_of)
    covered = coverage_on(day)
    townships = dict(
        Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True)
        .order_by("code")
        .values_list("code", "name")
    )
    n = len(covered)
    by_township = {
        code: {"numerator": "1" if code in covered else "0", "denominator": "1",
               "value": "100.00" if code in covered else "0.00"}
        for code in townships
    }  # fmt: skip
    with_station = sum(1 for items in covered.values() if any(k == Station.Kind.STATION for k, _n in items))
    breakdown = [
        {"label": str(Station.Kind.STATION.label), "count": str(with_station)},
        {"label": str(Station.Kind.DESIGNATED_OFFICER.label) + "（无工作站）", "count": str(n - with_station)},
    ]
    names = "、".join(townships.get(code, code) for code in sorted(covered))
    return Actual(
        value=ratio(n, PLAN_TOWNSHIPS),
        numerator=Decimal(n),
        denominator=Decimal(PLAN_TOWNSHIPS),
        note=f"{day:%Y-%m-%d}有运行中的未成年人保护工作站或专干的乡镇（街道）{n}个 ÷ 26 × 100：" + (names or "无"),
        detail={
            "covered": sorted(covered),
            "uncovered": [code for code in townships if code not in covered],
            "by_township": by_township,
            "breakdown": breakdown,
            "link": f"{reverse('childwelfare:station_coverage')}?on={day.isoformat()}",
        },
    )
