"""The 7-day notice cannot be back-dated to nothing (issue 10 item 4): each step keeps the date it
states and when it was entered; a notice entered less than 7 days before its confirmation needs a
reason and puts the case on the 公示期补录 list that leaders and the bureau open from their home page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.models import Case, Transition
from assistance.services.cases import case_transition
from tests.assistance.conftest import apply, days_ago, entered_on, family, to_notice


def backdated_in_one_sitting(assistant, officer, name="陈志明"):
    """The probe: every step dated 30 days back, all entered in the same second, today."""
    case = apply(assistant, family(2, name=name), applied_on=days_ago(31))
    for user, action, data in [
        (assistant, "accept", {}),
        (assistant, "investigate", {"investigators": "黄秀英、陈国华", "verification": "passed"}),
        (officer, "review", {"opinion": "符合条件"}),
        (officer, "publish_notice", {}),
    ]:
        case = case_transition(user=user, case=case, action=action, on_date=days_ago(30), **data)
    return case


def test_each_step_keeps_the_date_it_states_and_when_it_was_entered(standards, assistant, officer):
    before = timezone.now()
    case = backdated_in_one_sitting(assistant, officer)
    step = Transition.objects.get(case=case, action="publish_notice")
    assert step.on_date == days_ago(30) and step.entered_at >= before


def test_a_notice_entered_days_ago_is_confirmed_without_a_reason_and_stays_off_the_list(
    standards, assistant, officer, second_officer
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    assert case.state == Case.State.ACTIVE and not case.notice_backfilled


def test_confirming_a_notice_entered_less_than_7_days_ago_without_a_reason_is_refused(
    standards, assistant, officer, second_officer
):
    case = backdated_in_one_sitting(assistant, officer)
    with pytest.raises(ValidationError) as err:
        case_transition(user=second_officer, case=case, action="confirm")
    message = err.value.message_dict["comment"][0]
    assert "公示期补录" in message and "7" in message
    case.refresh_from_db()
    assert case.state == Case.State.NOTICE and case.decision is None and not case.notice_backfilled


def test_a_notice_entered_6_days_ago_still_needs_the_reason(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    entered_on(case, "publish_notice", days_ago(6))
    with pytest.raises(ValidationError):
        case_transition(user=second_officer, case=case, action="confirm")


def test_a_notice_entered_late_in_the_evening_7_days_ago_has_run_its_days(
    standards, assistant, officer, second_officer
):
    """Counted in days as the notice is: entered on day D at 23:30, it has run its 7 days on D+7 at
    any hour (an hour-by-hour clock would flag every on-time case confirmed in the morning)."""
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    late = timezone.make_aware(datetime.datetime.combine(days_ago(7), datetime.time(23, 30)))
    Transition.objects.filter(case=case, action="publish_notice").update(entered_at=late)
    case = case_transition(user=second_officer, case=case, action="confirm")
    assert case.state == Case.State.ACTIVE and not case.notice_backfilled


def test_a_one_character_reason_is_not_a_reason(standards, assistant, officer, second_officer):
    case = backdated_in_one_sitting(assistant, officer)
    with pytest.raises(ValidationError) as err:
        case_transition(user=second_officer, case=case, action="confirm", comment="。")
    assert "comment" in err.value.message_dict


def test_with_a_reason_the_case_is_confirmed_and_put_on_the_backfill_list(
    standards, assistant, officer, second_officer
):
    case = backdated_in_one_sitting(assistant, officer)
    reason = "纸质公示已于上月张贴满7天，系统录入滞后"
    case = case_transition(user=second_officer, case=case, action="confirm", comment=reason)
    assert case.state == Case.State.ACTIVE and case.notice_backfilled
    assert Transition.objects.get(case=case, action="confirm").comment == reason


@pytest.fixture
def backfilled(standards, assistant, officer, second_officer):
    case = backdated_in_one_sitting(assistant, officer, name="张三明")
    return case_transition(user=second_officer, case=case, action="confirm", comment="张三明家纸质公示已满7天，补录")


def test_leaders_open_the_backfill_list_masked_with_the_reason(backfilled, client_for, leader):
    response = client_for(leader).get("/assistance/notice-backfills/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/assistance/cases/{backfilled.pk}/" in html
    assert "张*明" in html and "张三明" not in html and "纸质公示已满7天" in html
    # both the stated notice date and the day it was entered are shown
    assert days_ago(30).isoformat() in html and timezone.localdate().isoformat() in html


def test_bureau_staff_open_the_backfill_list_and_township_officers_cannot(backfilled, client_for, staff, officer):
    assert "张三明" in client_for(staff).get("/assistance/notice-backfills/").content.decode()
    assert client_for(officer).get("/assistance/notice-backfills/").status_code == 403


def test_a_case_confirmed_on_time_is_not_on_the_list(standards, assistant, officer, second_officer, client_for, staff):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case_transition(user=second_officer, case=case, action="confirm")
    assert (
        f"/assistance/cases/{case.pk}/" not in client_for(staff).get("/assistance/notice-backfills/").content.decode()
    )


def test_leaders_and_staff_home_pages_have_a_card_linking_to_the_list(db, client_for, leader, staff, officer):
    card = 'data-testid="home-notice-backfills"'
    for user in (leader, staff):
        assert card in client_for(user).get("/").content.decode(), user.role
    assert card not in client_for(officer).get("/").content.decode()


def test_leaders_and_staff_menus_link_to_the_list(db, client_for, leader, staff, officer):
    link = 'href="/assistance/notice-backfills/"'
    for user in (leader, staff):
        assert link in client_for(user).get("/assistance/cases/").content.decode(), user.role
    assert link not in client_for(officer).get("/assistance/cases/").content.decode()


def test_the_case_page_shows_when_a_back_dated_step_was_entered(backfilled, client_for, officer):
    html = client_for(officer).get(f"/assistance/cases/{backfilled.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    assert "录入于" in html and today in html
    assert "公示期补录" in html


def test_the_case_page_shows_no_entry_time_for_steps_entered_on_their_date(
    standards, assistant, officer, second_officer, client_for
):
    case = to_notice(apply(assistant, family(2), applied_on=days_ago(20)), investigator=assistant, reviewer=officer)
    Transition.objects.filter(case=case, action="create").update(
        entered_at=timezone.make_aware(datetime.datetime.combine(days_ago(20), datetime.time(9)))
    )
    html = client_for(officer).get(f"/assistance/cases/{case.pk}/").content.decode()
    assert "录入于" not in html


def test_the_api_gives_each_steps_stated_date_and_entry_time(backfilled, staff):
    client = APIClient()
    client.force_authenticate(staff)
    steps = client.get(f"/api/v1/assistance/cases/{backfilled.pk}/").json()["transitions"]
    notice = next(s for s in steps if s["action"] == "publish_notice")
    assert notice["on_date"] == days_ago(30).isoformat()
    assert notice["entered_at"].startswith(timezone.localdate().isoformat())


def test_the_assistance_home_card_links_leaders_and_staff_to_the_list(db, rf, leader, staff, officer):
    """The fragment core's home page includes (core.discovery: assistance/_home.html)."""
    from django.template.loader import render_to_string

    def home(user):
        request = rf.get("/")
        request.user = user
        context = {"role": user.role, "app_home_templates": ["assistance/_home.html"]}
        return render_to_string("core/home.html", context, request=request)

    card = 'data-testid="home-notice-backfills"'
    assert card in home(leader) and card in home(staff) and card not in home(officer)


def test_the_confirm_page_asks_for_the_reason_of_a_late_entered_notice(
    standards, assistant, officer, second_officer, client_for
):
    case = backdated_in_one_sitting(assistant, officer)
    client = client_for(second_officer)
    response = client.post(f"/assistance/cases/{case.pk}/act/confirm/", {"on_date": timezone.localdate().isoformat()})
    assert response.status_code == 200 and "公示期补录" in response.content.decode()
    response = client.post(
        f"/assistance/cases/{case.pk}/act/confirm/",
        {"on_date": timezone.localdate().isoformat(), "recheck_months": 12, "comment": "纸质公示已满7天"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.ACTIVE and case.notice_backfilled
