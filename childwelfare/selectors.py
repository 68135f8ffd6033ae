"""Reads. Every one starts from the user's jurisdiction."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from childwelfare.models import (
    Adoption,
    Carer,
    Child,
    ChildCategory,
    GuardianshipAssessment,
    Recognition,
    Station,
    Visit,
)
from childwelfare.services.allowances import PROGRAM, SOURCE
from childwelfare.services.guardianship import NEEDS_CARER, children_needing_carer
from core.identifiers import normalize_id_number
from core.models import Division, PaymentBatch, PaymentLine
from core.personal import personal_data

#: Age bands of the registry's filter: (code, label, youngest, oldest) in whole years.
AGE_BANDS = [
    ("0-2", "0–2岁", 0, 2),
    ("3-5", "3–5岁", 3, 5),
    ("6-11", "6–11岁", 6, 11),
    ("12-15", "12–15岁", 12, 15),
    ("16-17", "16–17岁", 16, 17),
    ("18+", "18岁及以上（在校）", 18, 200),
]
CHILD_ORDER = ("township_id", "-id")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def township_choices(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
    if not user.is_city_level:
        qs = qs.filter(code=user.township_id)
    return qs


def active_categories(day: date | None = None):
    day = day or timezone.localdate()
    return ChildCategory.objects.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


def _search(qs, user, q: str, *, name="person__name", id_number="person__id_number"):
    """Whole-value search for a masked reader (a prefix would give hidden characters away one at a time)."""
    q = (q or "").strip()
    if not q:
        return qs
    pd = personal_data(user)
    if q[:4].isdigit():
        number = normalize_id_number(q) or q.upper()
        return qs.filter(**{f"{id_number}__startswith" if pd.full_id_number else id_number: number})
    return qs.filter(**{f"{name}__startswith" if pd.full_name else name: q})


def child_list(
    *, user, q: str = "", township: str | None = None, category: str = "", age_band: str = "",
    overdue: bool = False, status: str = "open", turning_18: bool = False, today: date | None = None,
    risk: str = "", risk_overdue: bool = False, no_carer: bool = False,
):  # fmt: skip
    """The registry: open files by default; `category` among the categories a child is in today."""
    today = today or timezone.localdate()
    qs = Child.objects.for_user(user).select_related("person", "township")
    if township:
        qs = qs.filter(township_id=township)
    if status == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif status == "closed":
        qs = qs.filter(closed_on__isnull=False)
    if category:
        qs = qs.filter(Exists(active_categories(today).filter(child=OuterRef("pk"), code=category)))
    for code, _label, youngest, oldest in AGE_BANDS:
        if code == age_band:
            # age in [youngest, oldest]: born after (today - oldest - 1 years) and on or before (today - youngest years)
            qs = qs.filter(
                person__birth_date__gt=_years_before(today, oldest + 1),
                person__birth_date__lte=_years_before(today, youngest),
            )
    if overdue:
        qs = qs.filter(visit_due_on__lt=today, closed_on__isnull=True)
    if turning_18:
        qs = qs.filter(turning_18_flagged_on__isnull=False, closed_on__isnull=True)
    if risk:
        qs = qs.filter(risk_level=risk)
    if risk_overdue:
        qs = qs.filter(risk_follow_up_due__lt=today, closed_on__isnull=True)
    if no_carer:
        qs = children_needing_carer(qs.filter(closed_on__isnull=True), today)
    qs = _search(qs, user, q)
    current = Prefetch("categories", queryset=active_categories(today).order_by("code"), to_attr="current")
    return qs.prefetch_related(current).order_by(*CHILD_ORDER)


def child_detail_queryset(*, user):
    return Child.objects.for_user(user).select_related("person", "township", "village", "created_by")


def child_allowance_history(child: Child):
    """The child's lines in the allowance lists (draft or approved), latest month first."""
    return (
        PaymentLine.objects.filter(source_type=SOURCE, source_id=child.pk, batch__program=PROGRAM)
        .select_related("batch")
        .order_by("-batch__month")
    )


def visit_list(*, user, child: Child | None = None, township: str | None = None):
    qs = Visit.objects.for_user(user).select_related("child__person", "child__township")
    if child is not None:
        qs = qs.filter(child=child)
    if township:
        qs = qs.filter(child__township_id=township)
    return qs.order_by("-visited_on", "-id")


def recognition_list(*, user, state: str = "", township: str | None = None, kind: str = "", q: str = ""):
    qs = Recognition.objects.for_user(user).select_related("child__person", "child__township")
    if state == "open":
        qs = qs.filter(state__in=Recognition.OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if township:
        qs = qs.filter(child__township_id=township)
    if kind:
        qs = qs.filter(kind=kind)
    qs = _search(qs, user, q, name="child__person__name", id_number="child__person__id_number")
    return qs.order_by("-applied_on", "-id")


def station_list(*, user, township: str | None = None, kind: str = "", status: str = ""):
    qs = Station.objects.for_user(user).select_related("township")
    if township:
        qs = qs.filter(township_id=township)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("township_id", "opened_on", "id")


def station_coverage(*, user, on: date) -> list[dict]:
    """One row per township in the user's jurisdiction: its stations and officers operating on `on`."""
    townships = township_choices(user).filter(in_plan=True)
    operating: dict[str, list[Station]] = {}
    for station in Station.objects.for_user(user).operating_on(on).order_by("township_id", "kind", "name"):
        operating.setdefault(station.township_id, []).append(station)
    rows = []
    for township in townships:
        mine = operating.get(township.code, [])
        rows.append(
            {
                "township": township,
                "stations": [s for s in mine if s.kind == Station.Kind.STATION],
                "officers": [s for s in mine if s.kind == Station.Kind.DESIGNATED_OFFICER],
                "covered": bool(mine),
            }
        )
    return rows


def adoption_list(*, user, township: str | None = None, year: int | None = None):
    qs = Adoption.objects.for_user(user).select_related("child", "adopter", "second_adopter", "township")
    if township:
        qs = qs.filter(township_id=township)
    if year:
        qs = qs.filter(registered_on__year=year)
    return qs.order_by("-registered_on", "-id")


def allowance_batches(*, user):
    return PaymentBatch.objects.filter(program=PROGRAM).order_by("-month")


def allowance_lines(*, user, batch: PaymentBatch, township: str | None = None):
    qs = PaymentLine.objects.for_user(user).filter(batch=batch).select_related("payee", "township", "village")
    if township:
        qs = qs.filter(township_id=township)
    return qs.order_by("township_id", "village_id", "id")


def worker_coverage(*, user, on: date | None = None) -> list[dict]:
    """Per township of the user's jurisdiction: its villages, those with a director in office on
    `on`, those whose director attended training, and the supervisor (儿童主任 one per village,
    儿童督导员 one per township; the plan wants 100 % of both, and 100 % trained)."""
    from django.db.models import Count

    from childwelfare.models import ChildWorker

    on = on or timezone.localdate()
    townships = township_choices(user).filter(in_plan=True)
    villages = dict(
        Division.objects.filter(level=Division.Level.VILLAGE, parent__in=townships, is_active=True)
        .values_list("parent_id")
        .annotate(n=Count("code"))
    )
    in_office = (
        ChildWorker.objects.for_user(user)
        .filter(since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .select_related("village")
    )
    directors: dict[str, list] = {}
    supervisors: dict[str, object] = {}
    for w in in_office:
        if w.kind == ChildWorker.Kind.DIRECTOR:
            directors.setdefault(w.township_id, []).append(w)
        else:
            supervisors[w.township_id] = w
    rows = []
    for township in townships:
        mine = directors.get(township.code, [])
        rows.append(
            {
                "township": township,
                "villages": villages.get(township.code, 0),
                "directors": len({w.village_id for w in mine}),
                "missing": villages.get(township.code, 0) - len({w.village_id for w in mine}),
                "trained": len({w.village_id for w in mine if w.last_trained_on}),
                "supervisor": supervisors.get(township.code),
            }
        )
    return rows


def villages_without_director(*, user, township: str, on: date | None = None):
    from childwelfare.models import ChildWorker

    on = on or timezone.localdate()
    served = (
        ChildWorker.objects.filter(kind=ChildWorker.Kind.DIRECTOR, township_id=township, since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
        .values("village_id")
    )
    if not township_choices(user).filter(code=township).exists():
        return Division.objects.none()
    return (
        Division.objects.filter(level=Division.Level.VILLAGE, parent_id=township, is_active=True)
        .exclude(code__in=served)
        .order_by("code")
    )


#: What a registry row shows, read as values (`child_list(...).values(*REGISTRY_ROW)`): building a
#: page of children, people and townships as model instances cost twice the page's queries.
REGISTRY_ROW = ("pk", "township__name", "person__name", "person__id_number", "person__birth_date", "care_setting",
                "closed_on", "visit_due_on", "turning_18_flagged_on", "risk_level", "risk_follow_up_due")  # fmt: skip


def current_category_codes(child_ids, day: date) -> dict[int, list[str]]:
    """The codes of the categories each of these children is in on `day`, in code order: one query."""
    codes: dict[int, list[str]] = {}
    for child_id, code in (
        active_categories(day).filter(child_id__in=child_ids).order_by("code").values_list("child_id", "code")
    ):
        codes.setdefault(child_id, []).append(code)
    return codes


def lacking_carer_ids(codes_by_child: dict[int, list[str]], today: date) -> set[int]:
    """Of these open children (id → the codes of their categories today), those in a category that
    needs a guardian or carer with none current today: one query for a page of them."""
    wanted = [pk for pk, codes in codes_by_child.items() if any(code in NEEDS_CARER for code in codes)]
    if not wanted:
        return set()
    covered = set(Carer.objects.current(today).filter(child_id__in=wanted).values_list("child_id", flat=True))
    return set(wanted) - covered


def carer_list(*, user, child: Child | None = None, township: str | None = None, current: bool | None = None):
    qs = Carer.objects.for_user(user).select_related("child__person", "child__township")
    if child is not None:
        qs = qs.filter(child=child)
    if township:
        qs = qs.filter(child__township_id=township)
    if current is not None:
        today = timezone.localdate()
        qs = (
            qs.filter(pk__in=Carer.objects.current(today).values("pk"))
            if current
            else qs.exclude(pk__in=Carer.objects.current(today).values("pk"))
        )
    return qs.order_by("-start", "-id")


def assessment_list(
    *, user, child: Child | None = None, township: str | None = None, risk: str = "", latest: bool = False
):
    qs = (
        GuardianshipAssessment.objects.for_user(user)
        .select_related("child__person", "child__township")
        .prefetch_related("child__carers")
    )
    if child is not None:
        qs = qs.filter(child=child)
    if township:
        qs = qs.filter(child__township_id=township)
    if risk:
        qs = qs.filter(risk_level=risk)
    if latest:
        newest = (
            GuardianshipAssessment.objects.filter(child=OuterRef("child"))
            .order_by("-assessed_on", "-id")
            .values("pk")[:1]
        )
        qs = qs.filter(pk=Subquery(newest))
    return qs.order_by("-assessed_on", "-id")
