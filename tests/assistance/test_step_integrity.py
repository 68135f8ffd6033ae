"""What is decided is what was reviewed and posted, by someone other than who changed or accepted it,
on dates in the order the steps happen (审核确认办法 Art. 19: the township's opinion is posted for 7
days; 申请受理与审批分离; 审核与调查分离)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Case, Transition
from assistance.services.cases import IncomeInput, case_income_set, case_transition
from core.exceptions import ApplicationError
from core.roles import Role
from tests.assistance.conftest import TODAY, apply, days_ago, family, to_notice
from tests.factories import HONGLAI


@pytest.fixture
def third_officer(make_user):
    return make_user(Role.TOWNSHIP_OFFICER, HONGLAI)


def no_wages(user, case):
    return case_income_set(user=user, case=case, income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("0"))])


def active(assistant, officer, second_officer):
    """A dibao case confirmed today: the assistant applied, accepted and investigated, the officer
    reviewed and posted it, the second officer confirmed it."""
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    return case_transition(user=second_officer, case=case, action="confirm")


# Defect 1: income rewritten after the notice


@pytest.mark.parametrize("posted", [False, True])
def test_an_income_change_after_the_review_sends_the_case_back_for_a_new_review_and_notice(
    standards, assistant, officer, second_officer, posted
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    if not posted:
        Case.objects.filter(pk=case.pk).update(state=Case.State.REVIEWED, notice_start=None, notice_end=None)
    from_state = Case.State.NOTICE if posted else Case.State.REVIEWED
    assert case.proposed_amount is not None
    case = no_wages(second_officer, case)
    case.refresh_from_db()
    assert case.state == Case.State.INVESTIGATED
    assert case.proposed_amount is None and case.notice_start is None and case.notice_end is None
    step = case.transitions.get(action="income_change")
    assert (step.user, step.from_state, step.to_state) == (second_officer, from_state, Case.State.INVESTIGATED)
    with pytest.raises(ApplicationError) as err:
        case_transition(user=second_officer, case=case, action="confirm")
    assert err.value.code == "illegal_transition"
    assert case.decision is None


def test_the_new_figures_are_decided_only_after_a_new_review_and_notice_by_someone_else(
    standards, assistant, officer, second_officer, third_officer
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    no_wages(second_officer, case)
    case = case_transition(user=officer, case=case, action="review", on_date=days_ago(9), opinion="收入变化")
    case = case_transition(user=officer, case=case, action="publish_notice", on_date=days_ago(8))
    with pytest.raises(ApplicationError) as err:
        case_transition(user=second_officer, case=case, action="confirm", comment="纸质公示已张贴期满")
    assert err.value.code == "maker_checker" and "修改了该案件的收入" in err.value.message
    case = case_transition(user=third_officer, case=case, action="confirm", comment="纸质公示已张贴期满")
    assert case.state == Case.State.ACTIVE and case.decision.amount == case.proposed_amount


def test_saving_the_income_unchanged_leaves_a_posted_case_as_it_is(standards, assistant, officer, second_officer):
    """Found by review: a clerk who opened the income form of a posted case and pressed 保存 sent it
    back and lost its notice. Only a change is a step."""
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    items = [IncomeInput(kind=i.kind, monthly_amount=i.monthly_amount, person_id=i.person_id, note=i.note)
             for i in case.income_items.all()]  # fmt: skip
    case = case_income_set(user=second_officer, case=case, income_items=items)
    case.refresh_from_db()
    assert case.state == Case.State.NOTICE and case.proposed_amount is not None
    assert not case.transitions.filter(action="income_change").exists()
    assert case_transition(user=second_officer, case=case, action="confirm").state == Case.State.ACTIVE


def test_who_changed_a_paid_cases_income_cannot_alone_recheck_from_it(
    standards, assistant, officer, second_officer, third_officer
):
    case = active(assistant, officer, second_officer)
    case = no_wages(third_officer, case)
    case.refresh_from_db()
    assert case.state == Case.State.ACTIVE
    step = case.transitions.get(action="income_change")
    assert (step.user, step.from_state, step.to_state) == (third_officer, Case.State.ACTIVE, Case.State.ACTIVE)
    with pytest.raises(ApplicationError) as err:
        case_transition(user=third_officer, case=case, action="recheck")
    assert err.value.code == "maker_checker"
    case = case_transition(user=officer, case=case, action="recheck")
    assert case.decision.decided_by == officer
    # the change is in that decision now: the next re-check is anyone's
    no_wages(officer, case)
    assert case_transition(user=third_officer, case=case, action="recheck").decision.decided_by == third_officer


# Defect 2: back-dated steps


def test_a_notice_dated_before_the_review_is_refused(standards, assistant, officer):
    case = apply(assistant, family(2))
    case = case_transition(user=assistant, case=case, action="accept", on_date=days_ago(15))
    case = case_transition(
        user=assistant, case=case, action="investigate", on_date=days_ago(12), investigators="甲甲、乙乙",
        verification="passed",
    )  # fmt: skip
    case = case_transition(user=officer, case=case, action="review", on_date=days_ago(10), opinion="符合条件")
    with pytest.raises(ValidationError) as err:
        case_transition(user=officer, case=case, action="publish_notice", on_date=days_ago(11))
    assert "乡镇审核意见" in str(err.value.message_dict["on_date"])
    case.refresh_from_db()
    assert case.state == Case.State.REVIEWED and case.notice_start is None


def test_a_review_dated_before_the_investigation_is_refused(standards, assistant, officer):
    case = apply(assistant, family(2))
    case = case_transition(user=assistant, case=case, action="accept", on_date=days_ago(15))
    case = case_transition(
        user=assistant, case=case, action="investigate", on_date=days_ago(12), investigators="甲甲、乙乙",
        verification="passed",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        case_transition(user=officer, case=case, action="review", on_date=days_ago(13), opinion="符合条件")


def test_a_recheck_dated_before_the_last_decision_is_refused_and_the_newer_decision_stays(
    standards, assistant, officer, second_officer
):
    case = active(assistant, officer, second_officer)
    decision = case.decision
    with pytest.raises(ValidationError):
        case_transition(user=officer, case=case, action="recheck", on_date=days_ago(3))
    case.refresh_from_db()
    assert case.decision == decision and case.decided_on == TODAY
    assert not case.transitions.filter(action="recheck").exists()


def test_a_file_keyed_in_after_an_income_fix_keeps_its_own_earlier_dates(standards, assistant, officer):
    """Found by review: the income change (dated the day it is entered) counted as a step, so a paper
    file's later steps could no longer be given their own, earlier dates."""
    case = apply(assistant, family(2), applied_on=days_ago(30))
    case = case_transition(user=assistant, case=case, action="accept", on_date=days_ago(30))
    no_wages(assistant, case)
    case = case_transition(
        user=assistant, case=case, action="investigate", on_date=days_ago(29), investigators="甲甲、乙乙",
        verification="passed",
    )  # fmt: skip
    assert case.state == Case.State.INVESTIGATED
    assert case.transitions.get(action="investigate").on_date == days_ago(29)


def test_a_new_investigation_dated_before_the_objection_it_follows_is_refused(
    standards, assistant, officer, second_officer
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer, start=20)
    case = case_transition(user=officer, case=case, action="object", on_date=days_ago(14), content="邻居反映有收入")
    with pytest.raises(ValidationError):  # the new investigation cannot predate the objection
        case_transition(
            user=assistant, case=case, action="investigate", on_date=days_ago(15), investigators="甲甲、乙乙",
            verification="passed",
        )  # fmt: skip


# Defect 3: gradual exit


def test_an_eligible_recheck_in_gradual_exit_returns_the_case_to_active(standards, assistant, officer, second_officer):
    case = active(assistant, officer, second_officer)
    case = case_transition(user=officer, case=case, action="gradual_exit", comment="收入增加", exit_until=days_ago(-90))
    assert case.state == Case.State.GRADUAL_EXIT
    case = case_transition(user=second_officer, case=case, action="recheck", comment="务工收入未持续")
    case.refresh_from_db()
    assert case.state == Case.State.ACTIVE and case.exit_until is None and case.end_reason == ""
    step = case.transitions.get(action="recheck")
    assert (step.from_state, step.to_state) == (Case.State.GRADUAL_EXIT, Case.State.ACTIVE)


def test_a_household_in_gradual_exit_can_have_its_income_changed_for_the_recheck(
    standards, assistant, officer, second_officer, third_officer
):
    case = active(assistant, officer, second_officer)
    case = case_transition(user=officer, case=case, action="gradual_exit", comment="收入增加", exit_until=days_ago(-90))
    no_wages(third_officer, case)
    case = case_transition(user=second_officer, case=case, action="recheck")
    assert case.state == Case.State.ACTIVE and case.decision.amount > 0


# Defect 4: 受理与审批分离 on the routine confirmation


def test_who_entered_the_application_cannot_confirm_it(standards, assistant, officer, second_officer):
    case = to_notice(apply(second_officer, family(2)), investigator=assistant, reviewer=officer)
    with pytest.raises(ApplicationError, match="受理与审批分离") as err:
        case_transition(user=second_officer, case=case, action="confirm")
    assert err.value.code == "maker_checker"
    assert not Transition.objects.filter(case=case, action="confirm").exists()


def test_who_accepted_the_application_cannot_confirm_it(standards, assistant, officer, second_officer, third_officer):
    case = apply(assistant, family(2))
    case = case_transition(user=second_officer, case=case, action="accept", on_date=days_ago(20))
    case = case_transition(
        user=assistant, case=case, action="investigate", on_date=days_ago(19), investigators="甲甲、乙乙",
        verification="passed",
    )  # fmt: skip
    case = case_transition(user=officer, case=case, action="review", on_date=days_ago(18), opinion="符合条件")
    case = case_transition(user=officer, case=case, action="publish_notice", on_date=days_ago(17))
    with pytest.raises(ApplicationError, match="受理与审批分离"):
        case_transition(user=second_officer, case=case, action="confirm", comment="纸质公示已期满")
    assert case_transition(user=third_officer, case=case, action="confirm", comment="纸质公示已期满").state == (
        Case.State.ACTIVE
    )


def test_the_income_page_sends_a_posted_case_back_and_says_so(
    standards, client_for, assistant, officer, second_officer
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    response = client_for(second_officer).post(
        f"/assistance/cases/{case.pk}/income/",
        {
            "income-TOTAL_FORMS": "1", "income-INITIAL_FORMS": "0", "income-0-kind": "wages",
            "income-0-monthly_amount": "0", "asset-TOTAL_FORMS": "0", "asset-INITIAL_FORMS": "0",
        },
        follow=True,
    )  # fmt: skip
    case.refresh_from_db()
    assert case.state == Case.State.INVESTIGATED
    assert case.transitions.get(action="income_change").user == second_officer
    assert "退回重新审核并公示" in response.content.decode()
