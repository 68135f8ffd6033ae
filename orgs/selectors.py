"""Reads. Every one starts from the user's jurisdiction, except the two public lists, which the law
makes public (and which hold no personal data)."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from core.models import Division
from core.personal import personal_data
from orgs.models import (
    AnnualReport,
    CommunityFacility,
    GradeEvaluation,
    ListEntry,
    Organisation,
    SocialWorker,
    SocialWorkStation,
    VolunteerRecord,
)
from orgs.services._common import today
from orgs.services.reports import due_date

ORDERINGS = {"name": ("name",), "registered": ("-registered_on", "name"), "township": ("township_id", "name")}


def township_choices(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code")
    if not user.is_city_level:
        qs = qs.filter(code=user.township_id)
    return qs


def organisation_list(
    *,
    user,
    q: str = "",
    type: str = "",
    status: str = "",
    grade: str = "",
    township: str | None = None,
    overdue_year: int | None = None,
    standing_on: datetime.date | None = None,
):
    """The registry with each organisation's current grade and list standing. `overdue_year`: those
    owing that year's report with none on file (after its due date); `standing_on`: those in the
    registry on that day (indicator 10's drill-down)."""
    day = today()
    qs = Organisation.objects.for_user(user).select_related("township").with_grade(day).with_listing()
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    if township:
        qs = qs.filter(township_id=township)
    if grade == "none":
        qs = qs.filter(grade__isnull=True)
    elif grade == "3A+":
        qs = qs.filter(grade__in=("3A", "4A", "5A"))
    elif grade:
        qs = qs.filter(grade=grade)
    if overdue_year:
        qs = (
            qs.filter(registered_on__lte=datetime.date(overdue_year, 6, 30))
            .standing_on(min(day, due_date(overdue_year)))
            .exclude(Exists(AnnualReport.objects.filter(organisation=OuterRef("pk"), year=overdue_year)))
        )
    if standing_on:
        qs = qs.standing_on(standing_on)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return qs.order_by("township_id", "name", "id")


def organisation_detail_queryset(*, user):
    return Organisation.objects.for_user(user).select_related("township").with_grade(today()).with_listing()


def organisation_history(org: Organisation) -> dict:
    """Everything dated about one organisation, each newest first."""
    return {
        "status_changes": list(org.status_changes.select_related("recorded_by").order_by("-changed_on", "-id")),
        "reports": list(org.annual_reports.order_by("-year")),
        "grades": list(org.grades.order_by("-evaluated_on", "-id")),
        "supervisions": list(org.supervisions.order_by("-done_on", "-id")),
        "list_entries": list(org.list_entries.order_by("-listed_on", "-id")),
    }


def report_board(*, user, year: int, township: str | None = None):
    """The year's annual-report status of every organisation that owes one: (rows, counts). A row is
    the organisation with `submitted_on` and `result` of its report, or None."""
    reports = AnnualReport.objects.filter(organisation=OuterRef("pk"), year=year)
    qs = (
        Organisation.objects.for_user(user)
        .filter(registered_on__lte=datetime.date(year, 6, 30))
        .standing_on(min(today(), due_date(year)))
        .select_related("township")
        .annotate(
            submitted_on=Subquery(reports.values("submitted_on")[:1]), result=Subquery(reports.values("result")[:1])
        )
    )
    if township:
        qs = qs.filter(township_id=township)
    qs = qs.order_by("township_id", "name", "id")
    due = due_date(year)
    counts = qs.aggregate(
        owing=Count("id"),
        on_time=Count("id", filter=Q(submitted_on__lte=due)),
        late=Count("id", filter=Q(submitted_on__gt=due)),
    )
    counts["missing"] = counts["owing"] - counts["on_time"] - counts["late"]
    counts["due"] = due
    counts["past_due"] = today() > due
    return qs, counts


def grade_summary(*, user, township: str | None = None):
    """Organisations with a grade valid today (with its expiry), and the counts the plan reports:
    organisations evaluated (any evaluation on file) and those at 3A or above."""
    day = today()
    qs = organisation_list(user=user, township=township).filter(grade__isnull=False)
    by_grade = Counter(qs.values_list("grade", flat=True))
    evaluated = Organisation.objects.for_user(user).filter(
        Exists(GradeEvaluation.objects.filter(organisation=OuterRef("pk")))
    )
    if township:
        evaluated = evaluated.filter(township_id=township)
    expiring = day + datetime.timedelta(days=180)
    return qs.order_by("grade_valid_until", "name"), {
        "by_grade": [(g, by_grade.get(g, 0)) for g in reversed(GradeEvaluation.Grade.values)],
        "current": sum(by_grade.values()),
        "three_a_plus": sum(by_grade.get(g, 0) for g in ("3A", "4A", "5A")),
        "evaluated": evaluated.count(),
        "expiring_before": expiring,
    }


def public_list(kind: str, *, removed_too: bool = False):
    """A public list as the law publishes it: organisations on it now, with the entry's date and
    reason (no personal data; a proposed dishonesty entry is not public until decided). `removed_too`:
    also the entries since removed (a REST client's pull learns of the removal)."""
    qs = ListEntry.objects.filter(kind=kind).select_related("organisation", "organisation__township")
    if not removed_too:
        qs = qs.filter(removed_on__isnull=True)
    if kind == ListEntry.Kind.DISHONEST:
        qs = qs.filter(confirmed_on__isnull=False)
    return qs.order_by("-listed_on", "organisation__name")


def list_entries(*, user, kind: str = "", state: str = "open"):
    """The lists as the bureau manages them: open, proposed (dishonesty entries awaiting decision)
    or removed entries."""
    qs = ListEntry.objects.for_user(user).select_related("organisation", "organisation__township")
    if kind:
        qs = qs.filter(kind=kind)
    if state == "open":
        qs = qs.filter(removed_on__isnull=True).exclude(kind=ListEntry.Kind.DISHONEST, confirmed_on__isnull=True)
    elif state == "proposed":
        qs = qs.filter(kind=ListEntry.Kind.DISHONEST, confirmed_on__isnull=True, removed_on__isnull=True)
    elif state == "removed":
        qs = qs.filter(removed_on__isnull=False)
    return qs.order_by("-listed_on", "organisation__name")


def station_coverage(*, user, on: datetime.date | None = None):
    """Per township: its social-work stations and whether one was operating on `on` (Table 3 item 7)."""
    day = on or today()
    stations = defaultdict(list)
    for station in SocialWorkStation.objects.for_user(user).order_by("name"):
        stations[station.township_id].append(station)
    rows = []
    for township in township_choices(user):
        mine = stations.get(township.code, [])
        operating = [
            s for s in mine if s.opened_on and s.opened_on <= day and (s.closed_on is None or s.closed_on > day)
        ]
        rows.append({"township": township, "stations": mine, "covered": bool(operating)})
    return rows, sum(1 for r in rows if r["covered"])


def worker_list(*, user, township: str | None = None, level: str = "", on: datetime.date | None = None, q: str = ""):
    qs = SocialWorker.objects.for_user(user).select_related("person", "township")
    if township:
        qs = qs.filter(township_id=township)
    if level:
        qs = qs.filter(level=level)
    if on:
        qs = qs.filter(certified_year__lte=on.year).exclude(left_on__lte=on)
    q = (q or "").strip()
    if q:
        pd = personal_data(user)
        name = Q(person__name__startswith=q) if pd.full_name else Q(person__name=q)
        qs = qs.filter(name | Q(certificate_no=q.upper()) | Q(employer__contains=q))
    return qs.order_by("township_id", "-certified_year", "id")


def facility_list(*, user, township: str | None = None, on: datetime.date | None = None, station: str = ""):
    qs = CommunityFacility.objects.for_user(user).select_related("village", "township")
    if township:
        qs = qs.filter(township_id=township)
    if on:
        qs = qs.in_use_on(on)
    if station == "yes":
        qs = qs.filter(volunteer_station_since__lte=on or today())
    elif station == "no":
        qs = qs.exclude(volunteer_station_since__lte=on or today())
    return qs.order_by("township_id", "village_id", "name")


def facility_coverage(*, user, on: datetime.date):
    """Per township: facilities in use on `on`, their floor area and how many host a volunteer station."""
    rows = {
        code: {"facilities": n, "area": area, "stations": s}
        for code, n, area, s in CommunityFacility.objects.for_user(user)
        .in_use_on(on)
        .order_by("township")
        .values_list("township")
        .annotate(n=Count("id"), area=Sum("floor_area_m2"), s=Count("id", filter=Q(volunteer_station_since__lte=on)))
    }
    return [
        {"township": t, **rows.get(t.code, {"facilities": 0, "area": None, "stations": 0})}
        for t in township_choices(user)
    ]


def volunteer_records(
    *,
    user,
    q: str = "",
    township: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
):
    qs = VolunteerRecord.objects.for_user(user).select_related("volunteer", "township", "facility")
    if township:
        qs = qs.filter(township_id=township)
    if start:
        qs = qs.filter(served_on__gte=start)
    if end:
        qs = qs.filter(served_on__lte=end)
    q = (q or "").strip()
    if q:
        pd = personal_data(user)
        if q[:4].isdigit():
            qs = qs.filter(volunteer__id_number=q.upper())
        else:
            qs = qs.filter(Q(volunteer__name__startswith=q) if pd.full_name else Q(volunteer__name=q))
    return qs.order_by("-served_on", "-id")


def volunteer_certificate(*, user, volunteer_id: int, start: datetime.date, end: datetime.date):
    """One volunteer's service in the user's jurisdiction between two dates, and the total hours."""
    records = list(
        VolunteerRecord.objects.for_user(user)
        .filter(volunteer_id=volunteer_id, served_on__gte=start, served_on__lte=end)
        .select_related("volunteer", "township")
        .order_by("served_on", "id")
    )
    return records, sum((r.hours for r in records), Decimal(0))
