import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_opens_the_dashboard_and_an_indicator_chart_is_drawn(page, live_server, leader, honglai_household):
    login(page, live_server, leader)
    page.get_by_role("navigation").get_by_role("link", name="规划指标", exact=True).click()
    expect(page.get_by_test_id("tiles").locator(".indicator-tile")).to_have_count(13)
    screenshot(page, "indicators-dashboard")
    page.get_by_test_id("tile-2").click()
    canvas = page.get_by_test_id("chart").locator("canvas").first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    screenshot(page, "indicators-detail-2")
    # No full ID number anywhere a leader looks.
    assert not re.search(r"\d{17}[\dX]", page.content())
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_dashboard_fits_a_phone_screen(page, live_server, leader):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, leader)
    page.goto(f"{live_server.url}/indicators/")
    expect(page.get_by_test_id("tiles").locator(".indicator-tile")).to_have_count(13)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    screenshot(page, "indicators-dashboard-phone")
