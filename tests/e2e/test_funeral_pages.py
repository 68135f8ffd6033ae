"""Funeral pages in a real browser: the records list and a record page, the eco-burial chart;
nothing loaded from another host, nothing blocked by the content security policy."""

import datetime

import pytest
from playwright.sync_api import expect

from funeral.models import Facility
from funeral.services.placements import PlacementInput
from funeral.services.records import death_record_register
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


@pytest.fixture
def funeral_data(staff, honglai, shuitou):
    home = Facility.objects.create(
        name="南安市殡仪馆", kind="funeral_home", level="county", township_id="350583002", opened_on=D(1998, 6, 1)
    )
    hall = Facility.objects.create(
        name="洪濑镇骨灰堂", kind="ash_hall", level="township", township=honglai, niche_capacity=5000,
        niches_used=2100, opened_on=D(2010, 1, 1),
    )  # fmt: skip
    records = []
    for i, (township, form, month) in enumerate(
        [(honglai, "hall_niche", 1), (honglai, "hall_niche", 2), (honglai, "sea", 3), (shuitou, "traditional", 3)]
    ):
        person = PersonFactory(township=township, name=["陈志明", "林秀英", "黄建国", "林建国"][i])
        facility = hall if form == "hall_niche" else None
        if form == "traditional":
            facility = Facility.objects.create(
                name="水头镇公益性公墓", kind="public_cemetery", level="township", township=shuitou,
                grave_capacity=100, opened_on=D(2015, 1, 1),
            )  # fmt: skip
        records.append(
            death_record_register(
                user=staff, person=person, date_of_death=D(2024, month, 5), cremation_date=D(2024, month, 7),
                funeral_home=home, contact_name="陈建华", contact_phone="13905951234",
                placement=PlacementInput(form=form, placed_on=D(2024, month, 10), facility=facility),
            )
        )  # fmt: skip
    return records


def test_officer_opens_the_records_list_and_a_record(page, live_server, officer, funeral_data):
    record = funeral_data[0]
    login(page, live_server, officer)
    page.click("nav >> [data-testid=nav-funeral]")
    page.click("nav >> text=死亡火化记录")
    table = page.get_by_test_id("record-table")
    expect(table).to_contain_text("陈志明")
    expect(table).not_to_contain_text("林建国")  # another township's
    expect(table).not_to_contain_text(record.person.id_number)  # lists are masked
    screenshot(page, "funeral_records")
    table.get_by_role("link", name="陈志明").click()
    expect(page.get_by_test_id("id-number")).to_have_text(record.person.id_number)
    expect(page.get_by_test_id("placement")).to_contain_text("骨灰楼堂存放")
    expect(page.get_by_test_id("date-of-death")).to_contain_text("2024年1月5日")
    screenshot(page, "funeral_record")
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_leader_sees_the_eco_burial_chart_with_masked_records(page, live_server, leader, funeral_data):
    login(page, live_server, leader)
    page.goto(f"{live_server.url}/funeral/placements/?year=2024")
    expect(page.get_by_test_id("eco-share")).to_have_text("75.00%")
    expect(page.locator("#eco-chart canvas")).to_have_count(1)
    screenshot(page, "funeral_eco_share")
    page.goto(f"{live_server.url}/funeral/records/{funeral_data[0].pk}/")
    expect(page.get_by_test_id("id-number")).not_to_have_text(funeral_data[0].person.id_number)
    expect(page.get_by_test_id("contact")).not_to_contain_text("13905951234")
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
