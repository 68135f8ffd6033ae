"""Assistance's programme in the shared payment-list engine (core/payments.py): the month's
entitlements from the frozen decisions of paying cases, and the request to build a month's batch
(`payroll_request`, from the payroll page and the API).

- dibao and tekun: every case active (or in gradual exit until its end) whose decision pays from
  this month or earlier: the decision's per-member amount × its covered members still alive on the
  first day of the month (a death stops that person's share from the next month);
- temporary assistance: a one-off line in the first batch that includes it; the case ends when
  that batch is approved.
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
from core.models import PaymentBatch, PaymentLine
from core.payments import Entitlement, register_program

PROGRAM = "assistance"
SOURCE = "assistance.case"


def payroll_request(*, month: str, user) -> date:
    """Queue the build (or rebuild, while a draft) of the month's batch on the worker, once the
    caller's transaction commits. `month` is "YYYY-MM"; an approved month is refused (ValidationError
    on `month`): it is never built, so never paid, twice. Returns the month's first day."""
    try:
        first = datetime.datetime.strptime(str(month), "%Y-%m").date()
    except ValueError:
        raise ValidationError({"month": [gettext("格式应为 YYYY-MM。")]}) from None
    batch = PaymentBatch.objects.filter(program=PROGRAM, month=first).first()
    if batch is not None and batch.is_frozen:
        raise ValidationError({"month": [gettext("%(m)s 的批次已审定，不会重复发放。") % {"m": month}]})
    transaction.on_commit(lambda: build_payroll.delay(first.isoformat(), user.pk))
    return first


@register_program(PROGRAM, _("社会救助（低保、特困、临时救助）"), on_approved=lambda batch: _close_one_offs(batch))
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
    paid_elsewhere = PaymentLine.objects.filter(
        batch__program=PROGRAM,
        source_type=SOURCE,
        source_id__in=Case.objects.filter(kind=Case.Kind.TEMPORARY).values("id"),
    ).exclude(batch__month=month)
    cases = (
        Case.objects.filter(kind=Case.Kind.TEMPORARY, state=Case.State.ACTIVE, decision__pay_from__lte=month)
        .exclude(pk__in=paid_elsewhere.values("source_id"))
        .values_list(
            "id",
            "applicant_id",
            "township_id",
            "village_id",
            "bank_account",
            "decision_id",
            "decision__amount",
            "decision__covered_count",
        )
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
        )


def _close_one_offs(batch: PaymentBatch) -> None:
    """Temporary assistance is paid once: its cases end when the batch that pays them is approved."""
    from assistance.models import Transition

    ids = list(batch.lines.filter(source_type=SOURCE, category=Case.Kind.TEMPORARY).values_list("source_id", flat=True))
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
    cases.update(state=Case.State.ENDED, ended_on=today, end_reason=str(_("临时救助已发放")))
