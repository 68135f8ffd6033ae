"""Reads for assistance. Every one starts from the user's jurisdiction."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case as DbCase
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from assistance.models import Case, CaseMember, Decision, Rescue, Standard, Transition
from assistance.workdays import calendar, last_working_day, working_days_between
from core.models import PaymentBatch, PaymentLine, Person
from core.payments import with_township_names
from core.personal import PersonalData, personal_data

#: How a person outside the viewer's jurisdiction is shown: as to a user who holds no personal-data
#: right (core.personal's one masking: 林*国, 350583********123X), never linked, never logged as a full view.
MASKED = PersonalData(None)

#: A pending case is "due soon" when at most this many working days remain.
DUE_SOON_DAYS = 3


def case_list(
    *,
    user,
    kind: str = "",
    state: str = "",
    township: str = "",
    village: str = "",
    q: str = "",
    mine: bool = False,
    household: int | None = None,
):
    qs = Case.objects.for_user(user).select_related("applicant", "township", "village", "decision")
    if mine:
        qs = qs.filter(created_by=user)
    if household:
        qs = qs.filter(household_id=household)
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if township:
        qs = qs.filter(township_id=township)
    if village:
        qs = qs.filter(village_id=village)
    q = (q or "").strip()
    # Users who see names and ID numbers masked search by the whole value: a prefix search would
    # let them recover the masked characters one at a time.
    pd = personal_data(user)
    if q.isdigit() and len(q) < 10:
        qs = qs.filter(pk=int(q))
    elif q and q[:4].isdigit():
        qs = qs.filter(
            **{"applicant__id_number__startswith" if pd.full_id_number else "applicant__id_number": q.upper()}
        )
    elif q:
        qs = qs.filter(**{"applicant__name__startswith" if pd.full_name else "applicant__name": q})
    return qs.order_by("-id")


def member_names(case_ids) -> dict[int, list[str]]:
    """{case id: its members' names, in the order they were added}, in one query: what masks the
    free text of a page of cases (a name in a reason is masked like the name itself)."""
    names: dict[int, list[str]] = {}
    rows = CaseMember.objects.filter(case_id__in=list(case_ids)).order_by("id").values_list("case_id", "person__name")
    for case_id, name in rows:
        names.setdefault(case_id, []).append(name)
    return names


def review_queue(*, user, township: str = ""):
    """The 待办 list: cases waiting for a step, the nearest deadline first."""
    qs = (
        Case.objects.for_user(user)
        .filter(state__in=Case.QUEUE_STATES)
        .select_related("applicant", "township", "village")
    )
    if township:
        qs = qs.filter(township_id=township)
    return qs.order_by("decision_due", "id")


#: The permission that takes a case on from each pending state (assistance.workflow's table).
NEXT_STEP_PERMISSION = {
    Case.State.DRAFT: "assistance.add_case",
    Case.State.ACCEPTED: "assistance.investigate_case",
    Case.State.INVESTIGATED: "assistance.review_case",
    Case.State.REVIEWED: "assistance.review_case",
    Case.State.NOTICE: "assistance.confirm_case",
}


def home_queue(*, user, today: date | None = None) -> dict:
    """What the home page counts for the user: cases waiting for a step the user can take (a notice
    only once it has run out), those past their deadline, re-checks due within 30 days or overdue,
    payroll batches awaiting approval and the user's own applications still pending. A fixed
    number of queries."""
    today = today or timezone.localdate()
    pending = Case.objects.for_user(user).filter(state__in=Case.QUEUE_STATES)
    states = [state for state, perm in NEXT_STEP_PERMISSION.items() if user.has_perm(perm)]
    mine_to_do = pending.filter(state__in=[s for s in states if s != Case.State.NOTICE])
    if Case.State.NOTICE in states:
        mine_to_do = mine_to_do | pending.filter(state=Case.State.NOTICE, notice_end__lt=today)
    # Overdue as deadline_badges marks it, counted by the database: a working day has passed since
    # the deadline (the city's 400-odd late cases were read and walked a day at a time).
    overdue = pending.filter(decision_due__lt=last_working_day(today)).count()
    rechecks = rechecks_due(user=user, today=today)
    counts = {
        "my_step": mine_to_do.count(),
        "overdue": overdue,
        "rechecks_due": rechecks.count(),
        "rechecks_overdue": rechecks.filter(next_recheck__lt=today).count(),
        "my_applications": pending.filter(created_by=user).count(),
        "payroll_to_approve": 0,
    }
    if user.has_perm("core.change_paymentbatch"):
        counts["payroll_to_approve"] = (
            payroll_batches_seen_by(user=user)
            .filter(state=PaymentBatch.State.DRAFT, build_state=PaymentBatch.BuildState.DONE)
            .count()
        )
    return counts


def deadline_badges(cases, today: date | None = None) -> dict[int, tuple[str, int | None]]:
    """{case id: (status, working days left)} with status overdue / due_soon / ok / none."""
    today = today or timezone.localdate()
    dues = [c.decision_due for c in cases if c.decision_due]
    if not dues:
        return {c.pk: ("none", None) for c in cases}
    exceptions = calendar(min([today, *dues]) - timedelta(days=1), max([today, *dues]))
    badges = {}
    for c in cases:
        if not c.decision_due:
            badges[c.pk] = ("none", None)
            continue
        left = working_days_between(today, c.decision_due, exceptions)
        # Overdue counts in working days, as the limit does: a limit ending on a weekend or holiday
        # has not passed by the next working day ("已超期 0 个工作日" was shown in red).
        overdue = c.decision_due < today and left < 0
        status = "overdue" if overdue else "due_soon" if left <= DUE_SOON_DAYS else "ok"
        badges[c.pk] = (status, left)
    return badges


def case_detail_queryset(*, user):
    return (
        Case.objects.for_user(user)
        .select_related("applicant", "township", "village", "decision")
        .prefetch_related(
            Prefetch("members", queryset=CaseMember.objects.select_related("person").order_by("id")),
            Prefetch("transitions", queryset=Transition.objects.select_related("user").order_by("entered_at", "id")),
            # Nothing on the case page or in the API reads who made a past decision or whose an
            # income item is: neither is joined (each was a join or a query of every case page).
            Prefetch("decisions", queryset=Decision.objects.order_by("-decided_on", "-id")),
            "income_items",
            "asset_items",
            "documents",
            "objections",
        )
    )


def notice_backfills(*, user):
    """公示期补录: confirmed cases whose notice was entered less than 7 days before the confirmation,
    latest first, with the notice and confirmation steps (`backfill_steps`) and the members (to mask
    the reason's names)."""
    steps = Transition.objects.filter(action__in=("publish_notice", "confirm")).select_related("user")
    return (
        Case.objects.for_user(user)
        .filter(notice_backfilled=True)
        .select_related("applicant", "township", "village")
        .prefetch_related(
            Prefetch("transitions", queryset=steps.order_by("entered_at", "id"), to_attr="backfill_steps"),
            "members__person",
        )
        .order_by("-decided_on", "-id")
    )


def rechecks_due(*, user, within_days: int = 30, today: date | None = None):
    today = today or timezone.localdate()
    return (
        Case.objects.for_user(user)
        .filter(state__in=Case.RECHECKED_STATES, next_recheck__lte=today + timedelta(days=within_days))
        .select_related("applicant", "township", "village", "decision")
        .order_by("next_recheck", "id")
    )


def notice_sheet(*, user, village: str):
    """What a village posts: cases under public notice, and its current recipients (阳光低保)."""
    base = Case.objects.for_user(user).filter(village_id=village).select_related("applicant", "decision")
    under_notice = (
        base.filter(state=Case.State.NOTICE)
        .annotate(size=Count("members"), covered=Count("members", filter=Q(members__covered=True)))
        .order_by("id")
    )
    recipients = base.filter(
        state__in=(Case.State.ACTIVE, Case.State.GRADUAL_EXIT), kind__in=Case.EXCLUSIVE_KINDS
    ).order_by("kind", "id")
    return under_notice, recipients


def standard_list():
    return Standard.objects.prefetch_related("tiers").order_by("kind", "-effective_from")


def payroll_batches(*, program: str = "assistance"):
    return PaymentBatch.objects.filter(program=program).select_related("built_by", "approved_by").order_by("-month")


def payroll_batches_seen_by(*, user, program: str = "assistance"):
    """The batches with the figures this user's jurisdiction holds (`shown_lines`, `shown_people`,
    `shown_amount`): a township officer sees their township's households and amount, not the city's.
    Three small aggregates a batch over the (batch, township) index."""
    batches = payroll_batches(program=program)
    if user.is_city_level:
        return batches.annotate(
            shown_lines=F("line_count"), shown_people=F("people_count"), shown_amount=F("total_amount")
        )
    own = PaymentLine.objects.filter(batch=OuterRef("pk"), township_id=user.township_id).order_by().values("batch")
    return batches.annotate(
        shown_lines=Coalesce(Subquery(own.annotate(n=Count("id")).values("n")), 0),
        shown_people=Coalesce(Subquery(own.annotate(n=Sum("members")).values("n")), 0),
        shown_amount=Coalesce(Subquery(own.annotate(n=Sum("amount")).values("n")), Decimal("0")),
    )


def payroll_lines(*, user, batch: PaymentBatch):
    return PaymentLine.objects.for_user(user).filter(batch=batch)


def payroll_totals(*, user, batch: PaymentBatch) -> list[dict]:
    """The batch's households, people and amount by township in the user's jurisdiction, each with
    its `township__name`."""
    return with_township_names(
        payroll_lines(user=user, batch=batch)
        .values("township_id")
        .annotate(households=Count("id"), people=Sum("members"), amount=Sum("amount"))
        .order_by("township_id")
    )


def payroll_totals_by_batch(*, user, batch_ids) -> dict[int, list[dict]]:
    """{batch id: its township totals in the user's jurisdiction}, for many batches in one query."""
    out: dict[int, list[dict]] = {batch_id: [] for batch_id in batch_ids}
    rows = (
        PaymentLine.objects.for_user(user)
        .filter(batch_id__in=batch_ids)
        .values("batch_id", "township_id")
        .annotate(households=Count("id"), people=Sum("members"), amount=Sum("amount"))
        .order_by("batch_id", "township_id")
    )
    for row in with_township_names(rows):
        out[row.pop("batch_id")].append(row)
    return out


def rescue_list(*, user, year: int | None = None, outcome: str | None = None, identified: str = ""):
    qs = Rescue.objects.for_user(user).select_related("person", "found_township")
    if year:
        qs = qs.filter(intake_date__year=year)
    if outcome is not None and outcome != "all":
        qs = qs.filter(outcome=outcome)
    if identified == "yes":
        qs = qs.filter(identity_established_on__isnull=False)
    elif identified == "no":
        qs = qs.filter(identity_established_on__isnull=True)
    return qs.order_by("-intake_date", "-id")


def rescue_person_policies(*, user, rescues) -> dict[int, PersonalData]:
    """How each rescue record's person is shown to `user`, by record id.

    A rescue record belongs to the township where the person was found (`found_township`): that
    township's users see the record, whoever the person is. The person it names may be registered
    elsewhere (a 水头镇 resident found in 洪濑镇): to a viewer outside the person's own jurisdiction,
    the person is shown masked (MASKED) on every page and in the API, without a link to the person's
    page (which would answer 404) and without a full-view log entry. Inside it, the user's own policy
    (core.personal) applies. One query for all the records."""
    person_ids = {r.person_id for r in rescues if r.person_id}
    reachable = (
        set(Person.objects.for_user(user).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    own = personal_data(user)
    return {r.pk: own if r.person_id is None or r.person_id in reachable else MASKED for r in rescues}


def rescue_identified(as_of: date) -> Q:
    return Q(identity_established_on__isnull=False, identity_established_on__lte=as_of)


def rescue_year_totals(rescues, *, year: int, as_of: date) -> dict:
    """Plan indicator 9's counting over `rescues` (the whole city for the provider, the user's
    jurisdiction for the rescue list): rescued in the year, identified, and returned home, as of a date."""
    identified = rescue_identified(as_of)
    returned = identified & Q(outcome__in=Rescue.RETURNED, outcome_date__lte=as_of)
    return rescues.filter(intake_date__year=year, intake_date__lte=as_of).aggregate(
        rescued=Count("id"), identified=Count("id", filter=identified), returned=Count("id", filter=returned)
    )


def rescue_year_outcomes(rescues, *, year: int, as_of: date) -> dict[str, int]:
    """The identified of `rescue_year_totals` by their outcome as it stood on `as_of` (one left after
    `as_of` was still in the station then): the same rows and cut-off as the indicator, so the
    outcomes add up to its denominator and the returned ones to its numerator."""
    outcome_then = DbCase(
        When(outcome_date__isnull=False, outcome_date__lte=as_of, then=F("outcome")),
        default=Value(Rescue.Outcome.PENDING),
    )
    return dict(
        rescues.filter(rescue_identified(as_of), intake_date__year=year, intake_date__lte=as_of)
        .annotate(outcome_then=outcome_then)
        .values_list("outcome_then")
        .annotate(n=Count("id"))
        .values_list("outcome_then", "n")
    )
