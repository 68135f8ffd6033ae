"""Indicators 5, 10, 11 and 12 of the plan's Table 2, from this app's dated records (SQL aggregates,
a fixed number of queries each). "On record at year end" is 31 December of the year, or as_of in the
current year; the base statistics (households, resident population) are the indicators app's."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from indicators.providers import Actual, NoData, base_figures, ratio, register
from orgs.models import CommunityFacility, Organisation, SocialWorker


def year_end(year: int, as_of: datetime.date) -> datetime.date:
    return min(datetime.date(year, 12, 31), as_of)


def workers_on_record(day: datetime.date):
    """Social workers whose certificate dates from `day`'s year or earlier and who had not left by it."""
    return SocialWorker.objects.filter(certified_year__lte=day.year).exclude(left_on__lte=day)


@register(10)
def organisation_count(year: int, as_of: datetime.date) -> Actual:
    """社会组织数量: organisations registered on or before the day and neither deregistered nor revoked
    on or before it, from the registry alone."""
    day = year_end(year, as_of)
    standing = Organisation.objects.standing_on(day)
    by_type = dict(standing.order_by().values_list("type").annotate(n=Count("id")))
    total = sum(by_type.values())
    if not total:
        raise NoData(f"{day:%Y-%m-%d}登记在册的社会组织为0：社会组织登记信息尚未录入。")
    by_township = {
        code: {"numerator": str(n), "value": str(n)}
        for code, n in standing.order_by("township").values_list("township").annotate(n=Count("id"))
    }
    breakdown = [
        {"label": str(kind.label), "type": kind.value, "count": str(by_type[kind])}
        for kind in Organisation.Type
        if by_type.get(kind)
    ]
    return Actual(
        value=Decimal(total),
        numerator=Decimal(total),
        denominator=None,
        note=f"{day:%Y-%m-%d}在册（已登记、未注销且未被撤销登记）的社会组织{total}个。",
        detail={
            "breakdown": breakdown,
            "by_township": by_township,
            "link": f"{reverse('orgs:organisation_list')}?standing_on={day:%Y-%m-%d}",
        },
    )


@register(11)
def social_workers_per_thousand(year: int, as_of: datetime.date) -> Actual:
    """社会工作专业人才占总人口比例 (‰): people holding a social work certificate on record at year end
    (one person counted once, at their highest level) / resident population × 1000."""
    day = year_end(year, as_of)
    figures = base_figures(year, "resident_population")
    levels = list(SocialWorker.Level)
    rank = {level.value: i for i, level in enumerate(levels)}
    highest: dict[int, str] = {}
    townships: dict[int, str] = {}
    for person_id, level, township in workers_on_record(day).values_list("person_id", "level", "township_id"):
        if person_id not in highest or rank[level] > rank[highest[person_id]]:
            highest[person_id], townships[person_id] = level, township
    people = len(highest)
    by_level = {level: sum(1 for v in highest.values() if v == level) for level in levels}
    by_township: dict[str, dict] = {}
    for township in townships.values():
        row = by_township.setdefault(township, {"numerator": 0})
        row["numerator"] += 1
    population = figures.resident_population
    return Actual(
        value=ratio(people, population, scale=1000),
        numerator=Decimal(people),
        denominator=Decimal(population),
        note=(
            f"{day:%Y-%m-%d}在册持证社会工作者{people}人（同一人多个等级只计一次），"
            f"常住人口{population}人（{figures.source or '基础统计数据'}）。"
        ),
        detail={
            "breakdown": [
                {"label": str(level.label), "level": level.value, "count": str(by_level[level])}
                for level in levels
                if by_level[level]
            ],
            "by_township": {k: {"numerator": str(v["numerator"])} for k, v in sorted(by_township.items())},
            "link": f"{reverse('orgs:worker_list')}?on={day:%Y-%m-%d}",
        },
    )


@register(5)
def facility_area_per_hundred_households(year: int, as_of: datetime.date) -> Actual:
    """每百户居民拥有的社区服务设施建筑面积 (m²): floor area of the community comprehensive service
    facilities in use at year end / (households / 100)."""
    day = year_end(year, as_of)
    figures = base_figures(year, "households")
    in_use = CommunityFacility.objects.in_use_on(day)
    by_kind = dict(in_use.order_by().values_list("village__kind").annotate(area=Sum("floor_area_m2")))
    area = sum(by_kind.values(), Decimal(0))
    if not area:
        raise NoData(f"{day:%Y-%m-%d}没有在用的社区综合服务设施记录。")
    by_township = {
        code: {"numerator": str(a)}
        for code, a in in_use.order_by("township").values_list("township").annotate(a=Sum("floor_area_m2"))
    }
    labels = {"village": "村综合服务设施", "community": "社区综合服务设施"}
    households = figures.households
    return Actual(
        value=ratio(area, households, scale=100),
        numerator=area,
        denominator=Decimal(households),
        note=(
            f"{day:%Y-%m-%d}在用的社区综合服务设施建筑面积合计{area}平方米，"
            f"户数{households}户（{figures.source or '基础统计数据'}）。"
        ),
        detail={
            "breakdown": [
                {"label": f"{labels.get(kind, kind)}（平方米）", "count": str(a)} for kind, a in sorted(by_kind.items())
            ],
            "by_township": by_township,
            "link": f"{reverse('orgs:facility_list')}?on={day:%Y-%m-%d}",
        },
    )


@register(12)
def volunteer_station_coverage(year: int, as_of: datetime.date) -> Actual:
    """志愿服务站点在社区综合服务设施中的覆盖率: facilities in use at year end hosting a volunteer
    service station by then / all facilities in use × 100."""
    day = year_end(year, as_of)
    in_use = CommunityFacility.objects.in_use_on(day)
    hosting = Q(volunteer_station_since__lte=day)
    rows = list(
        in_use.order_by("township")
        .values_list("township")
        .annotate(total=Count("id"), with_station=Count("id", filter=hosting))
    )
    total = sum(r[1] for r in rows)
    if not total:
        raise NoData(f"{day:%Y-%m-%d}没有在用的社区综合服务设施记录。")
    covered = sum(r[2] for r in rows)
    return Actual(
        value=ratio(covered, total),
        numerator=Decimal(covered),
        denominator=Decimal(total),
        note=f"{day:%Y-%m-%d}在用的社区综合服务设施{total}处，其中设有志愿服务站{covered}处。",
        detail={
            "breakdown": [
                {"label": "设有志愿服务站", "count": str(covered), "station": True},
                {"label": "未设志愿服务站", "count": str(total - covered), "station": False},
            ],
            "by_township": {
                code: {"numerator": str(c), "denominator": str(n), "value": str(ratio(c, n))} for code, n, c in rows
            },
            "link": f"{reverse('orgs:facility_list')}?on={day:%Y-%m-%d}&station=yes",
        },
    )
