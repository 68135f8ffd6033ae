import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Case, Objection, Transition
from assistance.services.cases import case_transition
from core.exceptions import ApplicationError
from tests.assistance.conftest import apply, days_ago, family, to_notice


def test_full_dibao_path_records_every_transition_and_freezes_the_decision(
    standards, assistant, officer, second_officer
):
    case = apply(assistant, family(3), income=("wages", "600"))
    case = to_notice(case, investigator=assistant, reviewer=officer)
    assert case.state == Case.State.NOTICE and case.proposed_amount == Decimal("1725.00")
    case = case_transition(user=second_officer, case=case, action="confirm", comment="同意")
    assert case.state == Case.State.ACTIVE
    # (775 − 600/3) × 3 = 575 × 3
    assert case.decision.per_member_amount == Decimal("575.00") and case.decision.amount == Decimal("1725.00")
    actions = list(Transition.objects.filter(case=case).values_list("action", "from_state", "to_state"))
    assert actions == [
        ("create", "draft", "draft"),
        ("accept", "draft", "accepted"),
        ("investigate", "accepted", "investigated"),
        ("review", "investigated", "reviewed"),
        ("publish_notice", "reviewed", "notice"),
        ("confirm", "notice", "active"),
    ]


def test_an_investigator_cannot_confirm_the_case(standards, officer, second_officer):
    officer.first_name = "陈国华"
    officer.save()
    case = to_notice(apply(officer, family(2)), investigator=officer, reviewer=officer, investigators="黄秀英、陈国华")
    with pytest.raises(ApplicationError, match="不能审核确认"):
        case_transition(user=officer, case=case, action="confirm")
    case.refresh_from_db()
    assert case.state == Case.State.NOTICE and case.decision is None
    assert case_transition(user=second_officer, case=case, action="confirm").state == Case.State.ACTIVE


def test_an_officer_who_recorded_a_visit_made_by_others_still_cannot_confirm_it(standards, officer, second_officer):
    """审核与调查分离 rests on who the system knows did the work, not on the names typed."""
    case = to_notice(
        apply(officer, family(2)), investigator=officer, reviewer=second_officer, investigators="黄秀英、林建华"
    )
    with pytest.raises(ApplicationError, match="登记了该案件的入户调查"):
        case_transition(user=officer, case=case, action="confirm")


def test_a_village_assistant_can_never_confirm(standards, assistant, officer):
    case = to_notice(apply(officer, family(2)), investigator=officer, reviewer=officer)
    with pytest.raises(ApplicationError) as err:
        case_transition(user=assistant, case=case, action="confirm")
    assert err.value.code == "permission_denied"


def test_confirming_before_the_seven_day_notice_ends_is_refused(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer, start=5)
    with pytest.raises(ApplicationError, match="公示期"):
        case_transition(user=second_officer, case=case, action="confirm")


def test_an_objection_during_notice_sends_the_case_back_to_investigation(standards, assistant, officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=officer, case=case, action="object", content="邻居反映家中有经营收入")
    assert case.state == Case.State.ACCEPTED and case.verification == "" and case.notice_end is None
    assert Objection.objects.filter(case=case).count() == 1
    with pytest.raises(ApplicationError, match="不能"):
        case_transition(user=officer, case=case, action="confirm")


@pytest.mark.parametrize(
    "action,state",
    [
        ("investigate", "draft"),
        ("review", "accepted"),
        ("publish_notice", "investigated"),
        ("confirm", "reviewed"),
        ("suspend", "notice"),
        ("resume", "active"),
        ("accept", "active"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    standards, assistant, officer, second_officer, action, state
):
    case = apply(assistant, family(2))
    if state != "draft":
        case = to_notice(case, investigator=assistant, reviewer=officer)
        if state == "active":
            case = case_transition(user=second_officer, case=case, action="confirm")
        else:
            Case.objects.filter(pk=case.pk).update(state=state)
            case.refresh_from_db()
    before = Transition.objects.filter(case=case).count()
    with pytest.raises(ApplicationError) as err:
        case_transition(user=officer, case=case, action=action, comment="x")
    assert err.value.code == "illegal_transition"
    case.refresh_from_db()
    assert case.state == state and Transition.objects.filter(case=case).count() == before


def test_investigation_needs_two_investigators_and_a_verification_result(standards, assistant):
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(10))
    with pytest.raises(ValidationError) as err:
        case_transition(user=assistant, case=case, action="investigate", investigators="黄秀英", verification="passed")
    assert "investigators" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        case_transition(user=assistant, case=case, action="investigate", investigators="黄秀英、陈国华")
    assert "verification" in err.value.message_dict


def test_refusal_needs_a_reason_and_is_final(standards, assistant, officer):
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(10))
    with pytest.raises(ValidationError):
        case_transition(user=officer, case=case, action="refuse")
    case = case_transition(user=officer, case=case, action="refuse", comment="家庭存款超过规定")
    assert case.state == Case.State.REFUSED and case.refusal_reason == "家庭存款超过规定"
    with pytest.raises(ApplicationError):
        case_transition(user=officer, case=case, action="accept")


def test_active_case_suspend_resume_gradual_exit_and_end(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    case = case_transition(user=officer, case=case, action="suspend", comment="外出务工未报告")
    assert case.state == Case.State.SUSPENDED
    case = case_transition(user=officer, case=case, action="resume")
    assert case.state == Case.State.ACTIVE
    with pytest.raises(ValidationError):
        case_transition(user=officer, case=case, action="gradual_exit", comment="收入增加", exit_until=days_ago(-250))
    case = case_transition(user=officer, case=case, action="gradual_exit", comment="收入增加", exit_until=days_ago(-90))
    assert case.state == Case.State.GRADUAL_EXIT
    case = case_transition(user=officer, case=case, action="end", comment="渐退期满")
    assert case.state == Case.State.ENDED and case.next_recheck is None


def test_emergency_temporary_assistance_is_paid_first_and_completed_after(standards, assistant, officer):
    case = apply(assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="emergency", requested_amount="5000",
                 accept=True, accepted_on=days_ago(3))  # fmt: skip
    case = case_transition(user=officer, case=case, action="emergency_confirm", comment="火灾")
    assert case.state == Case.State.ACTIVE and case.paperwork_pending
    assert case.decision.amount == Decimal("2325.00")  # capped at 3 × 775
    case = case_transition(user=assistant, case=case, action="complete_paperwork", investigators="黄秀英、陈国华",
                           verification="passed")  # fmt: skip
    assert not case.paperwork_pending


def test_an_expenditure_temporary_case_cannot_skip_the_procedure(standards, assistant, officer):
    case = apply(assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="expenditure", requested_amount="3000",
                 accept=True, accepted_on=days_ago(3))  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        case_transition(user=officer, case=case, action="emergency_confirm", comment="x")
    assert err.value.code == "illegal_transition"


def test_another_townships_officer_cannot_act_on_a_case(standards, assistant, make_user):
    other = make_user("township_officer", "350583119")
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(3))
    with pytest.raises(ApplicationError) as err:
        case_transition(user=other, case=case, action="refuse", comment="x")
    assert err.value.code == "jurisdiction"


def test_a_limit_ending_on_a_weekend_is_not_overdue_by_zero_working_days(db):
    """Issue 16 item 9: a red 已超期 0 个工作日 badge. Due Saturday 2026-11-28, seen on the Sunday."""
    from types import SimpleNamespace

    from assistance.selectors import deadline_badges

    case = SimpleNamespace(pk=1, decision_due=datetime.date(2026, 11, 28))
    status, left = deadline_badges([case], today=datetime.date(2026, 11, 29))[1]
    assert status != "overdue" and left == 0
    status, left = deadline_badges([case], today=datetime.date(2026, 11, 30))[1]
    assert status == "overdue" and left == -1


def test_the_home_pages_overdue_count_agrees_with_every_badge_across_holidays_and_make_up_days(db):
    """The home page counts overdue cases in the database (due before the last working day); the
    queue's badges walk the calendar. Every deadline of two months, seen on every day of a National
    Day week with its make-up Saturday, gets the same verdict from both."""
    from types import SimpleNamespace

    from assistance.models import Holiday
    from assistance.selectors import deadline_badges
    from assistance.workdays import last_working_day

    for n in range(1, 9):  # 1–8 October off, Saturday 11 October worked
        Holiday.objects.create(date=datetime.date(2025, 10, n), name="国庆节")
    Holiday.objects.create(date=datetime.date(2025, 10, 11), name="国庆调休", is_workday=True)
    dues = [datetime.date(2025, 9, 1) + datetime.timedelta(days=n) for n in range(60)]
    for today in (datetime.date(2025, 9, 30) + datetime.timedelta(days=n) for n in range(14)):
        badges = deadline_badges([SimpleNamespace(pk=i, decision_due=d) for i, d in enumerate(dues)], today=today)
        line = last_working_day(today)
        assert [due < line for due in dues] == [badges[i][0] == "overdue" for i in range(len(dues))], today
    assert last_working_day(datetime.date(2025, 10, 8)) == datetime.date(2025, 9, 30)
    assert last_working_day(datetime.date(2025, 10, 12)) == datetime.date(2025, 10, 11)


def test_the_partial_case_indexes_name_the_states_their_queries_ask_for():
    """case_pending_due and case_recheck_due hold only the cases their lists read; a state added
    to one list but not to its index would be missing from the index, and the query would not use it."""
    from django.db.models import Q

    conditions = {index.name: index.condition for index in Case._meta.indexes if index.condition is not None}
    assert conditions["case_pending_due"] == Q(state__in=list(Case.QUEUE_STATES))
    assert conditions["case_recheck_due"] == Q(state__in=list(Case.RECHECKED_STATES))
