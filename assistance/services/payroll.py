"""Assistance's programme in the shared payment-list engine (core/payments.py): the month's
entitlements from the frozen decisions of paying cases, and the request to build a month's batch
(`payroll_request`, from the payroll page and the API).

- dibao and tekun: every case active (or in gradual exit until its end) whose decision pays from
  this month or earlier: the decision's per-member amount × its covered members still alive on the
  first day of the month (a death stops that person's share from the next month);
- temporary assistance: a one-off entitlement, paid by the one batch that claims it (the engine
  decides which: the nearest month); the case ends when that batch is approved.

The programme pays from 2020-01 (FIRST_MONTH): the plan's 2020 baseline standards are the first the
system holds, and the earliest cases on record (the demo's from 2020-01-02) pay from 2020; starting at
the plan period (2021-01) would make months refusable that the system has decisions for.
"""

import datetime
from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistance.models import Case, CaseMember, Decision
from assistance.tasks import build_payroll
from core.jobs import enqueue
from core.models import PaymentBatch
from core.payments import Entitlement, payment_build_failed, payment_build_request, register_program

PROGRAM = "assistance"
SOURCE = "assistance.case"
FIRST_MONTH = date(2020, 1, 1)


def payroll_request(*, month: str, user) -> date:
    """Ask the worker to build (or rebuild, while a draft) the month's batch. `month` is "YYYY-MM";
    a month outside the payable range or already approved is refused (ValidationError on `month`).
    The draft batch is recorded "queued" at once and the build is sent once the caller's
    transaction commits; a month whose build is already queued or running is not sent twice. With
    the queue down the batch is marked failed with the reason and core.jobs.QueueUnavailable is
    raised (503). Returns the month's first day."""
    try:
        first = datetime.datetime.strptime(str(month), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": [gettext("格式应为 YYYY-MM。")]}) from None
    with transaction.atomic():
        _batch, send = payment_build_request(program=PROGRAM, month=first, user=user)
        if send:
            enqueue(build_payroll, first.isoformat(), user.pk, on_failure=lambda reason: _queue_failed(first, reason))
    return first


def _queue_failed(month: date, reason: str) -> None:
    payment_build_failed(
        program=PROGRAM, month=month, reason=gettext("任务队列不可用，未能提交生成：%(r)s") % {"r": reason}
    )


@register_program(
    PROGRAM,
    _("社会救助（低保、特困、临时救助）"),
    first_month=FIRST_MONTH,
    on_approved=lambda batch: _close_one_offs(batch),
)
def entitlements(month: date):
    paying = Case.objects.filter(decision__isnull=False).filter(
        Q(kind__in=Case.EXCLUSIVE_KINDS, state=Case.State.ACTIVE)
        | Q(kind__in=Case.EXCLUSIVE_KINDS, state=Case.State.GRADUAL_EXIT, exit_until__gte=month)
    )
    # A month is paid from the decision in force for it: a case re-checked this month has a new
    # decision paying from next month, and this month still pays from the one before. Few cases
    # are in that position, so their earlier decisions are looked up in one query.
    in_force = _earlier_decisions(paying.filter(decision__pay_from__gt=month), month)
    # Members left out because they died before the month began: few, so one query for all.
    dead = defaultdict(list)
    for case_id, person_id, name, died in CaseMember.objects.filter(
        case__in=paying, covered=True, person__date_of_death__lt=month
    ).values_list("case_id", "person_id", "person__name", "person__date_of_death"):
        dead[case_id].append({"id": person_id, "name": name, "reason": f"死亡 {died.isoformat()}"})
    living_payee = {}
    if dead:
        for case_id, person_id in (
            CaseMember.objects.filter(case_id__in=list(dead), covered=True)
            .filter(Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gte=month))
            .order_by("id")
            .values_list("case_id", "person_id")
        ):
            living_payee.setdefault(case_id, person_id)
    fields = (
        "id",
        "kind",
        "applicant_id",
        "township_id",
        "village_id",
        "bank_account",
        "decision_id",
        "decision__per_member_amount",
        "decision__covered_count",
        "decision__standard_amount",
        "decision__pay_from",
    )
    for row in paying.values_list(*fields).iterator(chunk_size=5000):
        (case_id, kind, applicant, township, village, account, decision, per_member, covered, standard, pay_from) = row
        if pay_from > month:
            if case_id not in in_force:
                continue  # decided this month: paid from the next one
            decision, per_member, covered, standard = in_force[case_id]
        if per_member <= 0:
            continue
        left_out = dead.get(case_id, [])
        members = covered - len(left_out)
        if members <= 0:
            continue
        payee = applicant
        if any(d["id"] == applicant for d in left_out):
            payee = living_payee.get(case_id, applicant)
        yield Entitlement(
            source_type=SOURCE,
            source_id=case_id,
            payee_id=payee,
            township_id=township,
            village_id=village,
            category=kind,
            members=members,
            amount=per_member * members,
            bank_account=account,
            basis={
                "decision": decision,
                "standard": str(standard) if standard is not None else None,
                "per_member": str(per_member),
                "covered": covered,
                "left_out": left_out,
            },
        )
    yield from _one_offs(month)


def _earlier_decisions(cases, month: date) -> dict[int, tuple]:
    """{case id: (decision id, per member, covered, standard)} of the latest decision paying from
    `month` or earlier, for cases whose current decision starts later."""
    found = {}
    for case_id, *values in (
        Decision.objects.filter(case__in=cases, pay_from__lte=month)
        .order_by("case_id", "-pay_from", "-id")
        .values_list("case_id", "id", "per_member_amount", "covered_count", "standard_amount")
    ):
        found.setdefault(case_id, tuple(values))
    return found


def _one_offs(month: date):
    """Every active temporary case decided to pay by this month; the engine pays each in one batch only."""
    cases = Case.objects.filter(
        kind=Case.Kind.TEMPORARY, state=Case.State.ACTIVE, decision__pay_from__lte=month
    ).values_list(
        "id",
        "applicant_id",
        "township_id",
        "village_id",
        "bank_account",
        "decision_id",
        "decision__amount",
        "decision__covered_count",
    )
    for case_id, applicant, township, village, account, decision, amount, covered in cases:
        yield Entitlement(
            source_type=SOURCE,
            source_id=case_id,
            payee_id=applicant,
            township_id=township,
            village_id=village,
            category=Case.Kind.TEMPORARY,
            members=covered,
            amount=amount,
            bank_account=account,
            basis={"decision": decision, "one_off": True},
            one_off=True,
        )


def _close_one_offs(batch: PaymentBatch) -> None:
    """Temporary assistance is paid once: its cases end when the batch that pays them is approved."""
    from assistance.models import Transition

    # (category too: lines built before one-offs were marked)
    lines = batch.lines.filter(Q(one_off=True) | Q(category=Case.Kind.TEMPORARY), source_type=SOURCE)
    ids = list(lines.values_list("source_id", flat=True))
    today = timezone.localdate()
    cases = Case.objects.filter(pk__in=ids, state=Case.State.ACTIVE)
    Transition.objects.bulk_create(
        Transition(
            case=c,
            action="paid",
            from_state=c.state,
            to_state=Case.State.ENDED,
            on_date=today,
            user=batch.approved_by,
            comment=f"{batch.month:%Y-%m}",
        )
        for c in cases
    )
    cases.update(state=Case.State.ENDED, ended_on=today, end_reason=str(_("临时救助已发放")), updated_at=timezone.now())
