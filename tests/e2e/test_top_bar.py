"""The top bar holds every app's menu on one row at a common office screen width (1366 px), for the
role with the most menus; the language switch and the sign-out stay reachable."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", ["staff", "admin_user"])
def test_the_top_bar_is_one_row_for_the_roles_with_the_most_menus(page, live_server, request, role):
    login(page, live_server, request.getfixturevalue(role))
    nav = page.locator("nav.portal-nav")
    box = nav.bounding_box()
    assert box["height"] < 70, box
    expect(page.get_by_role("button", name="English")).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    screenshot(page, f"top-bar-{role}")
