"""Reads. Every list starts from the user's jurisdiction; the indicator providers use the same
helpers (`with_beds_on`, `operating_on`) city-wide, so a page and an indicator never disagree."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.db.models.query import QuerySet
from django.utils import timezone

from core.identifiers import normalize_id_number
from core.models import Division, PaymentBatch, PaymentLine, Person
from core.payments import with_township_names
from core.personal import personal_data
from eldercare.models import (
    TRAINING_AIMS,
    TRAINING_PERIOD,
    Assessment,
    BedCount,
    CommunityFacility,
    HomeAdaptation,
    Institution,
    Subsidy,
    SubsidyStandard,
    TrainingSession,
    Visit,
    VisitGroup,
    VisitTarget,
)  # fmt: skip


def township_choices(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
    if not user.is_city_level:
        qs = qs.filter(code=user.township_id)
    return qs


def plan_townships():
    """The plan's 26 township-level divisions (indicator 4's denominator)."""
    return Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code")


def with_beds_on(qs, day: datetime.date):
    """Annotate `total_beds` and `nursing_beds`: the institution's latest count dated on or before `day` (0 without one)."""
    latest = BedCount.objects.filter(institution=OuterRef("pk"), as_of__lte=day).order_by("-as_of")
    return qs.annotate(
        total_beds=Coalesce(Subquery(latest.values("total_beds")[:1], output_field=IntegerField()), 0),
        nursing_beds=Coalesce(Subquery(latest.values("nursing_beds")[:1], output_field=IntegerField()), 0),
        beds_as_of=Subquery(latest.values("as_of")[:1]),
    )


def institution_list(
    *,
    user,
    township: str | None = None,
    ownership: str = "",
    status: str = "",
    grade: int | None = None,
    operating_on: datetime.date | None = None,
    q: str = "",
):
    qs = Institution.objects.for_user(user).select_related("township")
    if township:
        qs = qs.filter(township_id=township)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if status:
        qs = qs.filter(status=status)
    if grade == 0:
        qs = qs.filter(star_grade__isnull=True)
    elif grade:
        qs = qs.filter(star_grade=grade)
    if operating_on:
        qs = qs.operating_on(operating_on)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(credit_code=q.upper()))
    return with_beds_on(qs, operating_on or timezone.localdate()).order_by("township_id", "name", "id")


def bed_totals(institutions) -> dict:
    rows = list(institutions.values_list("total_beds", "nursing_beds"))
    total = sum(r[0] for r in rows)
    nursing = sum(r[1] for r in rows)
    return {"total": total, "nursing": nursing, "share": round(100 * nursing / total, 1) if total else None}


def bed_counts(institution):
    return institution.bed_counts.select_related("created_by").order_by("-as_of")


def facility_list(
    *,
    user,
    township: str | None = None,
    kind: str = "",
    status: str = "",
    all_three: bool = False,
    operating_on: datetime.date | None = None,
):
    qs = CommunityFacility.objects.for_user(user).select_related("township")
    if township:
        qs = qs.filter(township_id=township)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if all_three:
        qs = qs.all_three_functions()
    if operating_on:
        qs = qs.operating_on(operating_on)
    return qs.order_by("township_id", "kind", "name", "id")


def coverage_on(day: datetime.date, *, townships=None) -> dict[str, dict]:
    """Per township (code): the operating institutions and community facilities on `day`, how many
    offer each of the three functions, and the names of those that offer all three (indicator 4).
    Three queries whatever the number of records."""
    codes = list((townships if townships is not None else plan_townships()).values_list("code", "name"))
    out = {
        code: {"code": code, "name": name, "institutions": 0, "facilities": 0, "full_time_care": 0, "day_care": 0,
               "home_visits": 0, "all_three": []}
        for code, name in codes
    }  # fmt: skip
    fields = ("township_id", "name", "full_time_care", "day_care", "home_visits")
    for model, counter in ((Institution, "institutions"), (CommunityFacility, "facilities")):
        for code, name, full, day_care, home in model.objects.operating_on(day).values_list(*fields):
            row = out.get(code)
            if row is None:
                continue
            row[counter] += 1
            row["full_time_care"] += full
            row["day_care"] += day_care
            row["home_visits"] += home
            if full and day_care and home:
                row["all_three"].append(name)
    for row in out.values():
        row["all_three"].sort()
        row["covered"] = bool(row["all_three"])
    return out


def facility_kind_counts(*, user, day: datetime.date) -> dict[str, dict[str, int]]:
    """Operating community facilities on `day` by township and kind (one query)."""
    out: dict = defaultdict(dict)
    rows = (
        CommunityFacility.objects.for_user(user)
        .operating_on(day)
        .order_by()
        .values_list("township_id", "kind")
        .annotate(n=Count("id"))
    )
    for code, kind, n in rows:
        out[code][kind] = n
    return out


def older_people(*, user):
    return Person.objects.for_user(user)


def assessment_list(
    *, user, township: str | None = None, level: int | None = None, year: int | None = None, q: str = ""
):
    qs = Assessment.objects.for_user(user).select_related("person", "person__township")
    if township:
        qs = qs.filter(township_id=township)  # kept beside the assessment: one index, no join
    if level is not None:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(assessed_on__year=year)
    q = (q or "").strip()
    if q:
        # As everywhere: only full viewers may search by prefix (a masked user would otherwise
        # recover hidden characters one at a time).
        pd = personal_data(user)
        if q[:4].isdigit():
            number = normalize_id_number(q) or q.upper()
            qs = (
                qs.filter(person__id_number__startswith=number)
                if pd.full_id_number
                else qs.filter(person__id_number=number)
            )
        else:
            qs = qs.filter(person__name__startswith=q) if pd.full_name else qs.filter(person__name=q)
    return qs.order_by("-assessed_on", "-id")


def person_assessments(person):
    return Assessment.objects.filter(person=person).select_related("created_by").order_by("-assessed_on", "-id")


# --- subsidies -------------------------------------------------------------------------------------


def subsidy_list(
    *, user, township: str | None = None, kind: str = "", status: str = "", starts_from=None, q: str = "",
    person: int | None = None,
):  # fmt: skip
    qs = Subsidy.objects.for_user(user).select_related("person", "person__township", "person__village")
    if township:
        qs = qs.filter(township_id=township)  # kept beside the entry (eldercare.townships)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if starts_from:
        qs = qs.filter(starts_on__gte=starts_from)
    if person:
        qs = qs.filter(person_id=person)
    q = (q or "").strip()
    if q:
        qs = _person_search(qs, user, q, prefix="person__")
    return qs.order_by("township_id", "-starts_on", "-id")


def _person_search(qs, user, q: str, *, prefix: str):
    """Only full viewers may search by prefix (a masked user would otherwise recover hidden
    characters one at a time)."""
    pd = personal_data(user)
    if q[:4].isdigit():
        number = normalize_id_number(q) or q.upper()
        lookup = "id_number__startswith" if pd.full_id_number else "id_number"
        return qs.filter(**{prefix + lookup: number})
    lookup = "name__startswith" if pd.full_name else "name"
    return qs.filter(**{prefix + lookup: q})


def person_subsidies(person):
    return Subsidy.objects.filter(person=person).order_by("kind", "-starts_on", "-id")


def subsidy_standards():
    return SubsidyStandard.objects.select_related("created_by").order_by("kind", "threshold", "-effective_from")


def subsidy_batches(*, user):
    """The programme's monthly lists with the figures of the viewer's jurisdiction (`shown_lines`,
    `shown_amount`): a township officer sees their township's people and amount."""
    from eldercare.services.subsidies import PROGRAM

    batches = PaymentBatch.objects.filter(program=PROGRAM).select_related("built_by", "approved_by").order_by("-month")
    if user.is_city_level:
        return batches.annotate(shown_lines=F("line_count"), shown_amount=F("total_amount"))
    own = PaymentLine.objects.filter(batch=OuterRef("pk"), township_id=user.township_id).order_by().values("batch")
    return batches.annotate(
        shown_lines=Coalesce(Subquery(own.annotate(n=Count("id")).values("n")), 0),
        shown_amount=Coalesce(Subquery(own.annotate(n=Sum("amount")).values("n")), Decimal("0")),
    )


def subsidy_lines(*, user, batch, township: str | None = None, kind: str = ""):
    qs = PaymentLine.objects.for_user(user).filter(batch=batch).select_related("payee", "township", "village")
    if township:
        qs = qs.filter(township_id=township)
    if kind:
        qs = qs.filter(category=kind)
    return qs.order_by("township_id", "village_id", "id")


def subsidy_totals(*, user, batch):
    """Per township and kind: people and amount of the batch in the viewer's jurisdiction (one query,
    and one for the townships' names)."""
    return with_township_names(
        PaymentLine.objects.for_user(user)
        .filter(batch=batch)
        .values("township_id", "category")
        .annotate(people=Count("id"), amount=Sum("amount"))
        .order_by("township_id", "category")
    )


# --- visits ----------------------------------------------------------------------------------------


def _on_programme(on):
    """Entries in force on `on`, of people alive on it: not among those who died by then, an
    anti-join over the deceased's index (core's person_deceased), where a join read every person of
    the city to find the few per cent who died."""
    died = Person.objects.filter(pk=OuterRef("person_id"), date_of_death__lte=on)
    return (
        VisitTarget.objects.filter(since__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .filter(~Exists(died))
    )


def visit_due_entries(*, user, township: str | None = None, group: str = "", on=None):
    """The programme entries in force on `on` (today) of people alive on it, in the user's
    jurisdiction, of the township and of the people in `group` if given (all their groups then)."""
    on = on or timezone.localdate()
    entries = _on_programme(on) & VisitTarget.objects.for_user(user)
    if township:
        entries = entries.filter(township_id=township)  # kept beside the entry (eldercare.townships)
    if group:
        entries = entries.filter(person_id__in=entries.filter(group=group).values("person_id"))
    return entries


def visit_due_queryset(entries, *, overdue_only: bool = False, on=None):
    """The people of visit_due_entries, one row each: `person_id`, `joined` (their earliest entry),
    `interval` (the shortest of their groups' set intervals), `last_visit` (the latest recorded:
    visits are never after today) and `due` ((last visit or joining) + interval), soonest due
    first, those without an interval last. The database computes the whole list (each entry keeps
    its person's latest visit), so a page of the city's list (~116,000 people) reads 50 rows;
    visit_due_rows makes them what a page shows."""
    from eldercare.services.visits import intervals

    on = on or timezone.localdate()
    days = intervals()
    shortest = (
        Min(Case(*[When(group=g, then=Value(d)) for g, d in days.items()], output_field=IntegerField()))
        if days
        else Value(None, output_field=IntegerField())
    )
    one_day = ExpressionWrapper(F("interval") * datetime.timedelta(days=1), output_field=DurationField())
    rows = (
        entries.values("person_id")
        .annotate(joined=Min("since"), interval=shortest, last_visit=Max("last_visit_on"))
        .annotate(due=ExpressionWrapper(Coalesce("last_visit", "joined") + one_day, output_field=DateField()))
    )
    if overdue_only:
        rows = rows.filter(due__lt=on)
    return rows.order_by(F("due").asc(nulls_last=True), "person_id")


def visit_due_counts(rows, on=None) -> dict[str, int]:
    """How many people visit_due_queryset lists and how many of them are overdue: one query."""
    on = on or timezone.localdate()
    return rows.order_by().aggregate(total=Count("person_id"), overdue=Count("person_id", filter=Q(due__lt=on)))


class _CountOver(Func):
    """How many rows of the whole list meet `condition`, on each row, counted before a page is cut.
    The databases refuse an aggregate (a person's due day) in an aggregate's FILTER, as
    Count(filter=...) would write it; a window's argument may hold one."""

    arity = 1
    template = "COUNT(CASE WHEN %(expressions)s THEN 1 END) OVER ()"
    output_field = IntegerField()
    contains_over_clause = True


def visit_due_counted(rows, on=None):
    """visit_due_queryset's rows, each carrying what visit_due_counts counts (as `total` and
    `total_overdue`) in window counts over the whole list: a page and its heading's figures are one
    statement (core.paginators.CountedInRows), where the city's list (~116,000 people aggregated
    from their entries) was aggregated twice."""
    on = on or timezone.localdate()
    return rows.annotate(total=Window(Count("*")), total_overdue=_CountOver(LessThan(F("due"), on)))


def visit_due_rows(records, entries, on=None, *, with_people: bool = False) -> list[dict]:
    """Rows of visit_due_queryset as pages, exports and the API show them: each person's groups
    among the same `entries` (one query for all of them), their labels, whether overdue and by how
    many days; with_people, who they are (_due_people)."""
    on = on or timezone.localdate()
    labels = {group: str(label) for group, label in VisitGroup.choices}  # translated once, not once a row
    if isinstance(records, QuerySet) and not records.query.is_sliced:
        ids = records.order_by().values("person_id")  # the whole list (an export): as a subquery
    else:  # a page: its 50 ids
        records = list(records)
        ids = [record["person_id"] for record in records]
    rows = []
    for record in records:
        due = record["due"]
        if isinstance(due, datetime.datetime):  # a date plus days comes back as a timestamp on PostgreSQL
            due = due.date()
        overdue = due is not None and due < on
        rows.append({"person_id": record["person_id"], "since": record["joined"], "interval": record["interval"],
                     "last_visit": record["last_visit"], "due": due, "overdue": overdue,
                     "days_overdue": (on - due).days if overdue else 0, "groups": []})  # fmt: skip
    by_person = {row["person_id"]: row for row in rows}
    for person_id, group in entries.filter(person_id__in=ids).values_list("person_id", "group"):
        if person_id in by_person:
            by_person[person_id]["groups"].append(group)
    for row in rows:
        row["groups"].sort()
        row["group_labels"] = [labels[g] for g in row["groups"]]
    return _due_people(rows, ids) if with_people else rows


def visit_due_list(
    *, user, township: str | None = None, group: str = "", overdue_only: bool = False, on=None,
    with_people: bool = True,
) -> list[dict]:  # fmt: skip
    """The whole list (the export): visit_due_queryset's rows through visit_due_rows."""
    entries = visit_due_entries(user=user, township=township, group=group, on=on)
    rows = visit_due_queryset(entries, overdue_only=overdue_only, on=on)
    return visit_due_rows(rows, entries, on, with_people=with_people)


def _due_people(rows: list[dict], ids) -> list[dict]:
    """Name, ID number and township on visit_due_rows' rows: one query (`ids`: the rows' people, a
    list for a page, a subquery for the whole list)."""
    who = {
        pk: (name, number, township)
        for pk, name, number, township in Person.objects.filter(pk__in=ids).values_list(
            "pk", "name", "id_number", "township__name"
        )
    }
    for row in rows:
        row["name"], row["id_number"], row["township"] = who.get(row["person_id"], ("", "", ""))
    return rows


def visit_list(*, user, township: str | None = None, year: int | None = None, q: str = "", person: int | None = None):
    qs = Visit.objects.for_user(user).select_related("person", "person__township")
    if township:
        qs = qs.filter(person__township_id=township)
    if year:
        qs = qs.filter(visited_on__year=year)
    if person:
        qs = qs.filter(person_id=person)
    q = (q or "").strip()
    if q:
        qs = _person_search(qs, user, q, prefix="person__")
    return qs.order_by("-visited_on", "-id")


def person_visit_targets(person):
    return VisitTarget.objects.filter(person=person).order_by("ended_on", "group", "-since")


def person_visits(person):
    return Visit.objects.filter(person=person).order_by("-visited_on", "-id")


# --- training --------------------------------------------------------------------------------------


def training_list(*, user, township: str | None = None, audience: str = "", year: int | None = None):
    qs = TrainingSession.objects.for_user(user).select_related("township")
    if township:
        qs = qs.filter(township_id=township)
    if audience:
        qs = qs.filter(audience=audience)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-id")


def training_progress(*, user) -> dict:
    """Person-times trained per audience and year of the plan period, against the plan's aims (one
    query). A township officer's figures are their township's."""
    first, last = TRAINING_PERIOD
    rows = (
        TrainingSession.objects.for_user(user)
        .filter(held_on__year__gte=first, held_on__year__lte=last)
        .order_by()
        .values_list("audience", "held_on__year")
        .annotate(n=Sum("trainees"))
    )
    by_year = {(a, y): n for a, y, n in rows}
    out = {}
    for audience, label in TrainingSession.Audience.choices:
        done = sum(n for (a, _y), n in by_year.items() if a == audience)
        aim = TRAINING_AIMS[audience]
        out[audience] = {
            "label": label, "aim": aim, "done": done, "share": round(100 * done / aim, 1),
            "years": [(y, by_year.get((audience, y), 0)) for y in range(first, last + 1)],
        }  # fmt: skip
    return out


# --- home adaptations ------------------------------------------------------------------------------


def adaptation_list(*, user, township: str | None = None, state: str = "", year: int | None = None):
    """Adaptations in the user's jurisdiction; `year` is the year of application."""
    qs = HomeAdaptation.objects.for_user(user).select_related("person", "person__township")
    if township:
        qs = qs.filter(person__township_id=township)
    if state:
        qs = qs.filter(state=state)
    if year:
        qs = qs.filter(applied_on__year=year)
    return qs.order_by("-applied_on", "-id")


def person_adaptations(person):
    return HomeAdaptation.objects.filter(person=person).order_by("-applied_on", "-id")
