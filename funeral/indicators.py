"""Indicators 7 and 8 of the plan's Table 2, from the funeral records (SQL aggregates only)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse

from funeral.models import Facility, Placement
from indicators.providers import Actual, NoData, ratio, register

ECO = Q(form__in=Placement.ECO_FORMS)


def period(year: int, as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The year's first day to its last, or to as_of in the current year."""
    return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)


@register(7)
def eco_burial_rate(year: int, as_of: datetime.date) -> Actual:
    """节地生态安葬率: placements in the year using a land-saving ecological form / all placements
    in the year × 100."""
    start, end = period(year, as_of)
    placements = Placement.objects.filter(placed_on__gte=start, placed_on__lte=end)
    by_form = dict(placements.order_by().values_list("form").annotate(n=Count("id")))
    total = sum(by_form.values())
    if not total:
        raise NoData(f"{year}年没有安葬（放）记录。")
    eco = sum(n for form, n in by_form.items() if form in Placement.ECO_FORMS)
    by_township = {}
    rows = (
        placements.order_by()
        .values_list("record__township")
        .annotate(total=Count("id"), eco=Count("id", filter=ECO))
        .order_by("record__township")
    )
    for code, n, eco_n in rows:
        by_township[code] = {"numerator": str(eco_n), "denominator": str(n), "value": str(ratio(eco_n, n))}
    breakdown = [
        {"label": str(form.label), "form": form.value, "eco": form in Placement.ECO_FORMS, "count": str(by_form[form])}
        for form in Placement.Form
        if by_form.get(form)
    ]
    return Actual(
        value=ratio(eco, total),
        numerator=Decimal(eco),
        denominator=Decimal(total),
        note=f"{start:%Y-%m-%d}至{end:%Y-%m-%d}安葬（放）{total}例，其中节地生态安葬{eco}例。",
        detail={
            "breakdown": breakdown,
            "by_township": by_township,
            "link": f"{reverse('funeral:eco_share')}?year={year}",
        },
    )


@register(8)
def county_public_facility_coverage(year: int, as_of: datetime.date) -> Actual:
    """县级公益性安葬（放）设施覆盖率: 100 when at least one county-level public-welfare cemetery or
    ash hall is operating at year end (as_of in the current year), else 0."""
    _start, day = period(year, as_of)
    operating = list(
        Facility.objects.operating_on(day)
        .filter(level=Facility.Level.COUNTY, kind__in=Facility.PUBLIC_WELFARE_PLACEMENT)
        .order_by("name")
        .values_list("name", "kind")
    )
    covered = 1 if operating else 0
    return Actual(
        value=Decimal(100 * covered),
        numerator=Decimal(covered),
        denominator=Decimal(1),
        note=f"{day:%Y-%m-%d}运营中的县级公益性公墓、骨灰楼堂{len(operating)}处。",
        detail={
            "facilities": [{"name": name, "kind": str(Facility.Kind(kind).label)} for name, kind in operating],
            # The indicator page lists `breakdown` rows (label and count or value).
            "breakdown": [{"label": name, "value": str(Facility.Kind(kind).label)} for name, kind in operating],
            "link": reverse("funeral:facility_list"),
        },
    )
