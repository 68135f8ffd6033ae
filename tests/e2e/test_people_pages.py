import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('登录')")
    expect(page.get_by_test_id("role")).to_be_visible()


def test_officer_finds_a_person_and_sees_the_full_id(page, live_server, officer, honglai_household, shuitou_household):
    person = honglai_household.head
    login(page, live_server, officer)
    page.get_by_role("navigation").get_by_role("link", name="人员", exact=True).click()
    page.fill("#id_q", person.name[:1])
    page.click("button:has-text('查询')")
    table = page.get_by_test_id("person-table")
    expect(table).to_contain_text(person.name)
    expect(table).not_to_contain_text(shuitou_household.head.name)
    expect(table).not_to_contain_text(person.id_number)  # lists are masked
    table.get_by_role("link", name=person.name).click()
    expect(page.get_by_test_id("id-number")).to_have_text(person.id_number)
    expect(page.locator("body")).to_contain_text("洪濑镇")
    screenshot(page, "core-person-detail")
    # The bureau's intranet has no internet: nothing may come from another host.
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_leader_sees_masked_ids_and_can_switch_to_english(page, live_server, leader, honglai_household):
    person = honglai_household.head
    login(page, live_server, leader)
    page.goto(f"{live_server.url}/core/people/{person.pk}/")
    expect(page.get_by_test_id("id-number")).to_have_text(re.compile(r"^\d{6}\*{8}[\dX]{4}$"))
    assert person.id_number not in page.content()
    page.click("button:has-text('English')")
    expect(page.locator("nav.portal-nav")).to_contain_text("People")
    screenshot(page, "core-person-detail-leader-en")
    assert page.external_requests == []
