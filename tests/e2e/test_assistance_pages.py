import datetime
import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.assistance.conftest import family
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.factories import HONGLAI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ago(days: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def _act(page, label: str, **fields):
    page.get_by_test_id("actions").get_by_role("link", name=label, exact=True).click()
    for selector, value in fields.items():
        if page.locator(f"select#{selector}").count():
            page.select_option(f"#{selector}", value)
        else:
            page.fill(f"#{selector}", value)
    page.get_by_test_id("action-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("case-state")).to_be_visible()


def test_an_application_goes_from_the_village_assistant_to_a_confirmed_amount(
    page, live_server, standards, assistant, officer, make_user
):
    household = family(3, name="陈志明")
    # The village assistant enters the application.
    login(page, live_server, assistant)
    page.get_by_role("navigation").get_by_role("button", name="社会救助", exact=True).click()
    page.get_by_role("navigation").get_by_role("link", name="受理申请", exact=True).click()
    page.fill("#id_id_number", household.head.id_number)
    page.select_option("#id_kind", "dibao")
    page.fill("#id_applied_on", _ago(12))
    page.fill("#id_reason", "户主因病丧失劳动能力")
    page.select_option("#id_income-0-kind", "wages")
    page.fill("#id_income-0-monthly_amount", "600")
    page.click("button:has-text('提交申请')")
    expect(page.get_by_test_id("case-state")).to_contain_text("已受理")
    case_url = page.url
    page.click("button:has-text('退出')")

    # The township officer finds it in the queue and takes it to a decision.
    login(page, live_server, officer)
    page.get_by_role("navigation").get_by_role("button", name="社会救助", exact=True).click()
    page.get_by_role("navigation").get_by_role("link", name="待办审核", exact=True).click()
    row = page.get_by_test_id("queue-table").locator("tr", has_text="陈志明")
    expect(row).to_have_count(1)
    row.get_by_role("link").first.click()
    assert page.url == case_url
    _act(page, "登记入户调查", id_on_date=_ago(11), id_investigators="黄秀英、林建华", id_verification="passed")
    expect(page.get_by_test_id("case-state")).to_contain_text("已调查")
    _act(page, "乡镇审核意见", id_on_date=_ago(10), id_opinion="经入户调查和经济状况核对，符合低保条件")
    _act(page, "张榜公示", id_on_date=_ago(9))
    expect(page.get_by_test_id("case-state")).to_contain_text("公示中")
    page.click("button:has-text('退出')")

    # Another officer confirms (who investigated or reviewed never does), giving the reason the
    # notice, posted on paper nine days ago, was entered only today.
    login(page, live_server, make_user(Role.TOWNSHIP_OFFICER, HONGLAI))
    page.goto(case_url)
    _act(page, "审核确认", id_comment="纸质公示已张贴期满，系统补录")
    expect(page.get_by_test_id("case-state")).to_contain_text("在保")
    # (775 − 600 / 3) × 3 members
    expect(page.get_by_test_id("amount")).to_have_text("1725.00 元")
    expect(page.get_by_test_id("calculation")).to_contain_text("575.00")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(6)
    screenshot(page, "assistance-case-confirmed")
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_leader_sees_no_full_id_number_in_the_case_list(page, live_server, standards, assistant, leader):
    from tests.assistance.conftest import apply

    apply(assistant, family(2))
    login(page, live_server, leader)
    page.goto(f"{live_server.url}/assistance/cases/")
    expect(page.get_by_test_id("case-table").locator("tbody tr")).to_have_count(1)
    assert not re.search(r"\d{17}[\dX]", page.content())
    screenshot(page, "assistance-case-list-leader")
