"""Indicators 2, 3 and 4 of the plan's Table 2, from the dated records only (SQL aggregates).

"Operating on 31 December": opened on or before it and not closed on or before it; in the current
year the day is `as_of`. Beds on that day are each operating institution's latest count dated on or
before it (eldercare.selectors.with_beds_on: the registry page shows the same figures)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.urls import reverse

from eldercare.models import Institution
from eldercare.selectors import coverage_on, plan_townships, with_beds_on
from indicators.providers import Actual, NoData, base_figures, ratio, register


def year_end(year: int, as_of: datetime.date) -> datetime.date:
    return min(datetime.date(year, 12, 31), as_of)


def _beds(day: datetime.date) -> list[tuple[str, str, int, int]]:
    """(township, ownership, total, nursing) of every institution operating on `day` (one query)."""
    qs = with_beds_on(Institution.objects.operating_on(day), day).order_by()
    return list(qs.values_list("township_id", "ownership", "total_beds", "nursing_beds"))


def _by_ownership(rows, index: int) -> list[dict]:
    sums: dict = defaultdict(int)
    for row in rows:
        sums[row[1]] += row[index]
    return [
        {"label": str(label), "ownership": value, "count": str(sums[value])}
        for value, label in Institution.Ownership.choices
        if value in sums
    ]


def _link(day: datetime.date) -> str:
    return f"{reverse('eldercare:institution_list')}?operating_on={day.isoformat()}"


@register(2)
def nursing_bed_share(year: int, as_of: datetime.date) -> Actual:
    """养老机构护理型床位占比: nursing-type beds / all beds in the institutions operating at year end × 100."""
    day = year_end(year, as_of)
    rows = _beds(day)
    total = sum(r[2] for r in rows)
    nursing = sum(r[3] for r in rows)
    if not total:
        raise NoData(f"{day:%Y-%m-%d}没有运营中养老机构的床位统计。")
    by_township: dict = defaultdict(lambda: [0, 0])
    for code, _own, t, n in rows:
        by_township[code][0] += n
        by_township[code][1] += t
    return Actual(
        value=ratio(nursing, total),
        numerator=Decimal(nursing),
        denominator=Decimal(total),
        note=f"{day:%Y-%m-%d}运营中的养老机构{len(rows)}所，床位{total}张，其中护理型床位{nursing}张。",
        detail={
            "breakdown": _by_ownership(rows, 3),
            "by_township": {
                code: {"numerator": str(n), "denominator": str(t), "value": str(ratio(n, t)) if t else None}
                for code, (n, t) in sorted(by_township.items())
            },
            "link": _link(day),
        },
    )


@register(3)
def nursing_beds_per_1000_older(year: int, as_of: datetime.date) -> Actual:
    """每千名老年人拥有养老机构护理型床位数: nursing-type beds in the institutions operating at year
    end / (residents aged 60+ at year end / 1000), the 60+ population from the base statistics."""
    day = year_end(year, as_of)
    figures = base_figures(year, "population_60_plus")
    rows = _beds(day)
    nursing = sum(r[3] for r in rows)
    older = figures.population_60_plus
    by_township: dict = defaultdict(int)
    for code, _own, _t, n in rows:
        by_township[code] += n
    return Actual(
        value=ratio(nursing, older, scale=1000),
        numerator=Decimal(nursing),
        denominator=(Decimal(older) / 1000).quantize(Decimal("0.001")),
        note=f"{day:%Y-%m-%d}运营中养老机构护理型床位{nursing}张；{year}年末60周岁以上常住人口{older}人"
        f"（{figures.source or '基础统计数据'}）。",
        detail={
            "breakdown": _by_ownership(rows, 3),
            # The base statistics are city-wide: per township the beds only.
            "by_township": {
                code: {"numerator": str(n), "denominator": None, "value": None}
                for code, n in sorted(by_township.items())
            },
            "population_60_plus": older,
            "link": _link(day),
        },
    )


@register(4)
def comprehensive_coverage(year: int, as_of: datetime.date) -> Actual:
    """乡镇（街道）范围具备综合功能的养老服务机构覆盖率: townships with at least one institution or
    community facility operating at year end that offers full-time care, day care and home visits /
    the 26 townships × 100."""
    day = year_end(year, as_of)
    townships = plan_townships()
    coverage = coverage_on(day, townships=townships)
    denominator = len(coverage)
    if not denominator:
        raise NoData("没有乡镇（街道）区划数据。")
    covered = [row for row in coverage.values() if row["covered"]]
    return Actual(
        value=ratio(len(covered), denominator),
        numerator=Decimal(len(covered)),
        denominator=Decimal(denominator),
        note=f"{day:%Y-%m-%d}，{denominator}个乡镇（街道）中有{len(covered)}个有运营中的具备全托、日托、上门服务"
        f"综合功能的养老服务机构（含养老机构和社区养老服务设施）。",
        detail={
            # One row per covered township (count 1 each): the rows sum to the numerator.
            "breakdown": [{"label": row["name"], "count": "1", "facilities": row["all_three"]} for row in covered],
            "by_township": {
                code: {
                    "numerator": str(int(row["covered"])),
                    "denominator": "1",
                    "value": "100.00" if row["covered"] else "0.00",
                }
                for code, row in coverage.items()
            },
            "covered": [row["name"] for row in covered],
            "uncovered": [row["name"] for row in coverage.values() if not row["covered"]],
            "link": f"{reverse('eldercare:facility_coverage')}?on={day.isoformat()}",
        },
    )
