"""审核与调查分离 on identities (issue 10 item 3): whoever recorded the investigation or the township's
opinion, and every investigator the system can tie to a user account, can never confirm the case;
typed names are compared after normalising (full profile name, name without its title, username)."""

import pytest
from rest_framework.test import APIClient

from assistance.models import Case
from assistance.services.cases import case_transition
from core.exceptions import ApplicationError
from core.roles import Role
from tests.assistance.conftest import apply, days_ago, family, to_notice
from tests.factories import HONGLAI, SHUITOU


@pytest.fixture
def chen(make_user):
    """The probe's officer: profile name with its title, as the demo's officer has it."""
    user = make_user(Role.TOWNSHIP_OFFICER, HONGLAI, username="chenzm")
    user.first_name = "洪濑镇经办人 陈志明"
    user.save()
    return user


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.TOWNSHIP_OFFICER, HONGLAI)


def at_notice(recorder, reviewer, investigators):
    return to_notice(apply(recorder, family(2)), investigator=recorder, reviewer=reviewer, investigators=investigators)


def refused(user, case, match="不能审核确认"):
    with pytest.raises(ApplicationError, match=match) as err:
        case_transition(user=user, case=case, action="confirm")
    assert err.value.code == "maker_checker"
    case.refresh_from_db()
    assert case.state == Case.State.NOTICE and case.decision is None


@pytest.mark.parametrize(
    "investigators",
    [
        "陈志明、张三",  # his name: the profile name without its title
        "洪濑镇经办人 陈志明、张三",  # his whole profile name, space and all
        "洪濑镇经办人陈志明、张三",  # the profile name typed without the space
        "chenzm、张三",  # his username
        "CHENZM，张三",  # the username in capitals, another separator
        "陈志明 、 张三",  # stray spaces
        "陈 志明、张三",  # a space inside the name
        "陈\u3000志明、张三",  # a full-width space inside it
        "陈\u200b志明、张三",  # an invisible zero-width space inside it
        "陈志明同志、张三",  # a title after the name
        "陈志明主任、张三",
        "陈志明（组长）、张三",  # a remark in brackets
    ],
)
def test_a_named_investigator_cannot_confirm_however_the_name_is_typed(
    standards, assistant, reviewer, chen, investigators
):
    case = at_notice(assistant, reviewer, investigators)
    refused(chen, case)


def test_the_user_who_recorded_the_investigation_cannot_confirm_even_if_not_named(standards, chen, reviewer):
    case = at_notice(chen, reviewer, "张三、李四")
    refused(chen, case, match="登记了该案件的入户调查")


def test_the_user_who_recorded_the_township_opinion_cannot_confirm(standards, assistant, chen):
    case = at_notice(assistant, chen, "张三、李四")
    refused(chen, case, match="乡镇审核意见")


def test_one_officer_doing_every_step_cannot_confirm(standards, chen):
    case = at_notice(chen, chen, "张三、李四")
    refused(chen, case)


def test_an_investigator_named_by_profile_is_linked_to_the_account_and_stays_refused_after_a_rename(
    standards, assistant, reviewer, chen, second_officer
):
    case = at_notice(assistant, reviewer, "陈志明、黄秀英")
    assert chen in case.investigator_accounts.all()
    chen.first_name = "陈小明"  # a later change of profile name does not undo who investigated
    chen.save()
    refused(chen, case)
    assert case_transition(user=second_officer, case=case, action="confirm").state == Case.State.ACTIVE


def test_investigators_are_linked_only_to_accounts_that_could_act_on_the_case(
    standards, assistant, reviewer, make_user
):
    elsewhere = make_user(Role.TOWNSHIP_OFFICER, SHUITOU, username="linjg")
    elsewhere.first_name = "水头镇经办人 张三"
    elsewhere.save()
    case = at_notice(assistant, reviewer, "张三、李四")
    assert elsewhere not in case.investigator_accounts.all()


def test_an_investigator_of_an_earlier_investigation_stays_refused_after_an_objection(
    standards, assistant, reviewer, chen, make_user
):
    case = at_notice(assistant, reviewer, "陈志明、黄秀英")
    case = case_transition(
        user=reviewer, case=case, action="object", content="邻居反映有经营收入", on_date=days_ago(16)
    )
    case = case_transition(user=assistant, case=case, action="investigate", investigators="林美玲、李建成",
                           verification="passed", on_date=days_ago(15))  # fmt: skip
    case = case_transition(user=reviewer, case=case, action="review", opinion="复查属实", on_date=days_ago(14))
    case = case_transition(user=reviewer, case=case, action="publish_notice", on_date=days_ago(13), comment="补录")
    refused(chen, case)


def test_an_officer_who_took_no_part_confirms(standards, assistant, reviewer, chen):
    case = at_notice(assistant, reviewer, "张三、李四")
    assert case_transition(user=chen, case=case, action="confirm").state == Case.State.ACTIVE


def test_the_api_refuses_the_recorder_of_the_investigation_with_400(standards, chen, reviewer):
    case = at_notice(chen, reviewer, "张三、李四")
    client = APIClient()
    client.force_authenticate(chen)
    response = client.post(f"/api/v1/assistance/cases/{case.pk}/transition/", {"action": "confirm"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "maker_checker"


@pytest.mark.parametrize(
    "typed,names",
    [
        ("黄秀英、陈国华", ["黄秀英", "陈国华"]),
        ("黄秀英 陈国华", ["黄秀英", "陈国华"]),
        ("洪濑镇经办人 陈志明、张三", ["洪濑镇经办人 陈志明", "张三"]),
        ("王主任 李四", ["王主任", "李四"]),
        ("黄秀英；陈国华/林美玲", ["黄秀英", "陈国华", "林美玲"]),
        ("陈 志明、张三", ["陈 志明", "张三"]),  # one person with a space in the name, not two
    ],
)
def test_investigators_are_counted_one_entry_per_person(standards, assistant, typed, names):
    case = apply(assistant, family(2), accept=True)
    case = case_transition(user=assistant, case=case, action="investigate", investigators=typed, verification="passed")
    assert case.investigators == "、".join(names)


def test_whoever_entered_or_accepted_an_emergency_application_does_not_decide_it(standards, chen, reviewer):
    case = apply(chen, family(2), kind=Case.Kind.TEMPORARY, subtype="emergency", requested_amount="2000",
                 accept=True, accepted_on=days_ago(2))  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        case_transition(user=chen, case=case, action="emergency_confirm", comment="房屋失火")
    assert err.value.code == "maker_checker"
    case = case_transition(user=reviewer, case=case, action="emergency_confirm", comment="房屋失火")
    assert case.state == Case.State.ACTIVE
