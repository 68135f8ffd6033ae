"""A form sent by POST goes once (static/js/portal.js): found by an attacker's walk, a second click on
保存 while the first was on its way registered the same training twice and counted its trainees twice
toward the plan's indicator. Chromium folds two clicks in one instant into one submission itself;
the duplicate comes from a second click after the first request has left, which the page now drops."""

import pytest

from tests.e2e.test_people_pages import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Holds every submission of the page's forms back (so the first is still "on its way") and records
# whether the page had already dropped it.
HOLD_SUBMISSIONS = """() => {
  window.dropped = [];
  document.addEventListener("submit", (event) => { window.dropped.push(event.defaultPrevented); event.preventDefault(); });
}"""


def test_a_second_submit_while_the_first_is_on_its_way_is_dropped(page, live_server, staff):
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/eldercare/training/")
    form = page.get_by_test_id("training-form")
    form.get_by_label("培训课程").fill("养老护理员岗前培训")
    form.get_by_label("培训对象").select_option(index=1)
    form.get_by_label("培训日期").fill("2025-06-01")
    form.get_by_label("培训人次").fill("150")
    page.evaluate(HOLD_SUBMISSIONS)
    save = form.get_by_role("button", name="保存")
    save.click()
    save.click()
    save.click()
    assert page.evaluate("window.dropped") == [False, True, True]
    # The search form above it (GET) is never held back.
    page.get_by_role("button", name="查询").click()
    page.get_by_role("button", name="查询").click()
    assert page.evaluate("window.dropped") == [False, True, True, False, False]
