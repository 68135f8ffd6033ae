import datetime
from decimal import Decimal

import pytest

from assistance.models import Case, Transition
from assistance.services.cases import add_months, case_transition, next_month_start
from core.exceptions import ApplicationError
from core.models import PaymentLine
from core.payments import PROGRAMS, payment_batch_approve, payment_batch_build
from core.services.people import person_record_death
from tests.assistance.conftest import TODAY, apply, family, to_notice

NEXT = next_month_start(TODAY)


@pytest.fixture
def active_case(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(3), income=("wages", "600")), investigator=assistant, reviewer=officer)
    return case_transition(user=second_officer, case=case, action="confirm")


def test_payroll_pays_each_active_household_once_traceable_to_case_and_standard(active_case, staff):
    batch = payment_batch_build(program="assistance", month=NEXT, user=staff)
    line = PaymentLine.objects.get(batch=batch)
    assert (line.source_type, line.source_id, line.amount, line.members) == ("assistance.case", active_case.pk,
                                                                             Decimal("1725.00"), 3)  # fmt: skip
    assert line.basis["decision"] == active_case.decision_id and line.basis["standard"] == "775.00"
    assert batch.total_amount == Decimal("1725.00")


def test_a_decision_is_paid_from_the_month_after_approval(active_case, staff):
    batch = payment_batch_build(program="assistance", month=TODAY.replace(day=1), user=staff)
    assert batch.line_count == 0


def test_building_a_month_twice_never_pays_twice(active_case, staff, make_user):
    first = payment_batch_build(program="assistance", month=NEXT, user=staff)
    second = payment_batch_build(program="assistance", month=NEXT, user=staff)
    assert first.pk == second.pk and PaymentLine.objects.filter(batch__month=NEXT).count() == 1
    checker = make_user("staff")
    payment_batch_approve(batch=second, user=checker)
    with pytest.raises(ApplicationError) as err:
        payment_batch_build(program="assistance", month=NEXT, user=staff)
    assert err.value.code == "batch_frozen" and PaymentLine.objects.count() == 1


def test_the_builder_of_a_batch_cannot_approve_it(active_case, staff):
    batch = payment_batch_build(program="assistance", month=NEXT, user=staff)
    with pytest.raises(ApplicationError) as err:
        payment_batch_approve(batch=batch, user=staff)
    assert err.value.code == "maker_checker"


def test_a_death_stops_that_persons_share_of_the_next_payroll_and_flags_a_recheck(active_case, staff):
    member = active_case.members.exclude(person=active_case.applicant).first().person
    person_record_death(user=staff, person=member, date_of_death=TODAY, source="test")
    active_case.refresh_from_db()
    assert active_case.next_recheck <= TODAY + datetime.timedelta(days=93) and "死亡" in active_case.recheck_reason
    assert Transition.objects.filter(case=active_case, action="member_died").count() == 1
    line = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=NEXT, user=staff))
    assert line.members == 2 and line.amount == Decimal("1150.00")
    assert line.basis["left_out"][0]["id"] == member.pk


def test_the_applicants_death_moves_the_payment_to_a_living_member(active_case, staff):
    person_record_death(user=staff, person=active_case.applicant, date_of_death=TODAY, source="test")
    line = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=NEXT, user=staff))
    assert line.payee_id != active_case.applicant_id and line.members == 2


def test_suspended_cases_are_not_paid_and_gradual_exit_pays_until_its_end(active_case, staff, officer):
    case_transition(user=officer, case=active_case, action="suspend", comment="外出未报告")
    assert payment_batch_build(program="assistance", month=NEXT, user=staff).line_count == 0
    case = case_transition(user=officer, case=active_case, action="resume")
    case_transition(user=officer, case=case, action="gradual_exit", comment="收入增加",
                    exit_until=NEXT + datetime.timedelta(days=40))  # fmt: skip
    assert payment_batch_build(program="assistance", month=NEXT, user=staff).line_count == 1
    # Months after next are not payable yet (core.payments), so the programme is asked directly.
    entitled = PROGRAMS["assistance"].entitlements
    assert [e.source_id for e in entitled(add_months(NEXT, 1))] == [active_case.pk]
    assert [e.source_id for e in entitled(add_months(NEXT, 2))] == []


def test_temporary_assistance_is_paid_once(standards, assistant, officer, staff, make_user):
    case = apply(assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="emergency", requested_amount="1200",
                 accept=True, accepted_on=TODAY - datetime.timedelta(days=2))  # fmt: skip
    case_transition(user=officer, case=case, action="emergency_confirm", comment="车祸")
    month = TODAY.replace(day=1)
    batch = payment_batch_build(program="assistance", month=month, user=staff)
    assert batch.line_count == 1 and batch.total_amount == Decimal("1200.00")
    payment_batch_approve(batch=batch, user=make_user("staff"))
    case.refresh_from_db()
    assert case.state == Case.State.ENDED
    assert payment_batch_build(program="assistance", month=NEXT, user=staff).line_count == 0


def test_a_month_is_paid_from_the_decision_in_force_for_it(standards, assistant, officer, second_officer, staff):
    from assistance.services.cases import IncomeInput, case_income_set

    case = apply(assistant, family(2), income=("wages", "500"), applied_on=TODAY - datetime.timedelta(days=70))
    case = to_notice(case, investigator=assistant, reviewer=officer, start=65)
    case = case_transition(
        user=second_officer, case=case, action="confirm", on_date=TODAY - datetime.timedelta(days=50)
    )
    this_month = TODAY.replace(day=1)
    assert case.decision.pay_from <= this_month and case.decision.amount == Decimal("1050.00")
    # Re-checked today with more income: the new amount pays from next month, this month keeps the old.
    case_income_set(user=officer, case=case, income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("1000"))])
    case = case_transition(user=second_officer, case=case, action="recheck")
    assert case.decision.amount == Decimal("550.00")
    now = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=this_month, user=staff))
    later = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=NEXT, user=staff))
    assert (now.amount, later.amount) == (Decimal("1050.00"), Decimal("550.00"))
    assert now.basis["decision"] != later.basis["decision"] == case.decision_id
