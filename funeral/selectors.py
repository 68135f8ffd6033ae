"""Reads. Every one starts from the user's jurisdiction."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth

from core.identifiers import normalize_id_number
from core.models import Division
from core.personal import personal_data
from funeral.models import DeathRecord, Facility, Placement, TombCase, Waiver

ECO = Q(form__in=Placement.ECO_FORMS)


def township_choices(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
    if not user.is_city_level:
        qs = qs.filter(code=user.township_id)
    return qs


def record_list(
    *,
    user,
    q: str = "",
    township: str | None = None,
    month: datetime.date | None = None,
    year: int | None = None,
    form: str = "",
    eco: bool | None = None,
    waiver: bool | None = None,
):
    """Records by date of death (month or year); `year` with `form`/`eco` is the drill-down from
    the placement statistics, so it filters on the year of placement there."""
    qs = DeathRecord.objects.for_user(user).select_related("person", "township", "placement", "waiver")
    if township:
        qs = qs.filter(township_id=township)
    if month:
        qs = qs.filter(date_of_death__year=month.year, date_of_death__month=month.month)
    if form or eco is not None:
        if form:
            qs = qs.filter(placement__form=form)
        if eco is not None:
            qs = (
                qs.filter(placement__form__in=Placement.ECO_FORMS)
                if eco
                else qs.exclude(placement__form__in=Placement.ECO_FORMS).filter(placement__isnull=False)
            )
        if year:
            qs = qs.filter(placement__placed_on__year=year)
    elif year:
        qs = qs.filter(date_of_death__year=year)
    if waiver is not None:
        has = Exists(Waiver.objects.filter(record=OuterRef("pk")))
        qs = qs.filter(has) if waiver else qs.exclude(has)
    q = (q or "").strip()
    if q:
        # Prefix search would let a masked user recover hidden digits (or a name) one character at
        # a time: only full viewers get it; the others must give the whole value.
        pd = personal_data(user)
        if q[:4].isdigit():
            number = normalize_id_number(q) or q.upper()
            prefix = pd.full_id_number
            qs = qs.filter(person__id_number__startswith=number) if prefix else qs.filter(person__id_number=number)
        else:
            name = Q(person__name__startswith=q) if pd.full_name else Q(person__name=q)
            qs = qs.filter(name | Q(certificate_no=q))
    return qs.order_by("-date_of_death", "-id")


def record_detail_queryset(*, user):
    return DeathRecord.objects.for_user(user).select_related(
        "person", "person__village", "township", "funeral_home", "placement__facility", "waiver__granted_by",
        "created_by",
    )  # fmt: skip


def facility_list(*, user, kind: str = "", township: str | None = None):
    qs = Facility.objects.for_user(user).select_related("township")
    if kind:
        qs = qs.filter(kind=kind)
    if township:
        qs = qs.filter(township_id=township)
    return qs.order_by("level", "kind", "township_id", "name")


def facility_totals(facilities) -> dict:
    return facilities.aggregate(
        grave_capacity=Sum("grave_capacity"),
        graves_used=Sum("graves_used"),
        niche_capacity=Sum("niche_capacity"),
        niches_used=Sum("niches_used"),
    )


def tomb_case_list(*, user, township: str | None = None, kind: str = "", state: str = "", year: int | None = None):
    qs = TombCase.objects.for_user(user).select_related("township", "village")
    if township:
        qs = qs.filter(township_id=township)
    if kind:
        qs = qs.filter(kind=kind)
    if state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if year:
        qs = qs.filter(found_on__year=year)
    return qs.order_by("-found_on", "-id")


def _months():
    return list(range(1, 13))


def waiver_totals(*, user, year: int) -> dict:
    """Waivers granted in the year: count and amount by month and by township (one query)."""
    rows = (
        Waiver.objects.for_user(user)
        .filter(granted_on__year=year)
        .order_by()
        .annotate(month=ExtractMonth("granted_on"))
        .values_list("record__township", "month")
        .annotate(n=Count("id"), amount=Sum("total"))
    )
    names = dict(township_choices(user).values_list("code", "name"))
    by_township: dict = defaultdict(lambda: {"months": [Decimal(0)] * 12, "count": 0, "amount": Decimal(0)})
    month_amount = [Decimal(0)] * 12
    month_count = [0] * 12
    for code, month, n, amount in rows:
        t = by_township[code]
        t["months"][month - 1] += amount
        t["count"] += n
        t["amount"] += amount
        month_amount[month - 1] += amount
        month_count[month - 1] += n
    townships = [{"code": code, "name": names.get(code, code), **by_township[code]} for code in sorted(by_township)]
    return {
        "townships": townships,
        "month_amount": month_amount,
        "month_count": month_count,
        "count": sum(month_count),
        "amount": sum(month_amount, Decimal(0)),
    }


def waiver_years(*, user) -> list[int]:
    years = Waiver.objects.for_user(user).dates("granted_on", "year")
    return sorted({d.year for d in years}, reverse=True)


def eco_share(*, user, year: int, township: str | None = None) -> dict:
    """Placements in the year by month (eco and all), by form and by township (two queries)."""
    qs = Placement.objects.for_user(user).filter(placed_on__year=year)
    if township:
        qs = qs.filter(record__township_id=township)
    by_month = {
        m: (n, eco)
        for m, n, eco in qs.order_by()
        .annotate(month=ExtractMonth("placed_on"))
        .values_list("month")
        .annotate(n=Count("id"), eco=Count("id", filter=ECO))
        .values_list("month", "n", "eco")
    }
    months = []
    for m in _months():
        n, eco = by_month.get(m, (0, 0))
        months.append({"month": m, "total": n, "eco": eco, "share": _share(eco, n)})
    by_form = dict(qs.order_by().values_list("form").annotate(n=Count("id")))
    forms = [
        {"form": f.value, "label": f.label, "eco": f in Placement.ECO_FORMS, "count": by_form.get(f.value, 0)}
        for f in Placement.Form
    ]
    names = dict(township_choices(user).values_list("code", "name"))
    townships = [
        {"code": code, "name": names.get(code, code), "total": n, "eco": eco, "share": _share(eco, n)}
        for code, n, eco in qs.order_by()
        .values_list("record__township")
        .annotate(n=Count("id"), eco=Count("id", filter=ECO))
        .order_by("record__township")
        .values_list("record__township", "n", "eco")
    ]
    total = sum(m["total"] for m in months)
    eco = sum(m["eco"] for m in months)
    return {
        "months": months,
        "forms": forms,
        "townships": townships,
        "total": total,
        "eco": eco,
        "share": _share(eco, total),
    }


def _share(eco: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(eco) * 100 / Decimal(total)).quantize(Decimal("0.01"))


def placement_years(*, user) -> list[int]:
    return sorted({d.year for d in Placement.objects.for_user(user).dates("placed_on", "year")}, reverse=True)
