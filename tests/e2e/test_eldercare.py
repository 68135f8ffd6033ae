"""Elderly care in a real browser: staff find an older person by ID number, record a capability
assessment and see its level and the care subsidy it brings on the person's page, and enrol her;
a leader sees indicators 2–4 on the dashboard after a recompute."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from indicators.models import BaseStatistic, RecomputeRun
from indicators.services.recompute import recompute_run
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.eldercare.conftest import credit_code
from tests.factories import PersonFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date


def test_staff_record_an_assessment_and_see_the_level_and_the_subsidy_it_brings_on_the_persons_page(
    page, live_server, staff, honglai
):
    from eldercare.services.subsidies import standard_add

    standard_add(user=staff, kind="care", threshold=3, amount="300", effective_from=D(2020, 1, 1))
    elder = PersonFactory(township=honglai, name="陈阿婆", id_number=make_id_number(D(1938, 4, 2), male=False))
    login(page, live_server, staff)
    page.get_by_test_id("nav-eldercare").click()
    page.get_by_role("link", name="老年人能力评估", exact=True).first.click()
    lookup = page.get_by_test_id("person-lookup")
    lookup.get_by_label("身份证号").fill(elder.id_number)
    lookup.get_by_role("button", name="记录评估").click()
    expect(page.get_by_test_id("current-level")).to_contain_text("未评估")
    form = page.get_by_test_id("assessment-form")
    form.get_by_label("评估日期").fill("2025-03-01")
    form.get_by_label("自理能力（0–32）").fill("20")
    form.get_by_label("基础运动能力（0–15）").fill("10")
    form.get_by_label("精神状态（0–28）").fill("20")
    form.get_by_label("感知觉与社会参与（0–15）").fill("10")
    form.get_by_label("确诊认知障碍/痴呆或精神科专科疾病").check()
    form.get_by_label("评估员").fill("王评估")
    form.get_by_role("button", name="保存评估").click()
    # 60 points is moderate (2); dementia raises it one level: severe (3).
    expect(page.get_by_test_id("current-level")).to_contain_text("重度失能")
    expect(page.get_by_test_id("assessment-history")).to_contain_text("60")
    # The severe level brings the care subsidy the bureau set for it; staff put her on the roster.
    expect(page.get_by_test_id("subsidy-amount-care")).to_contain_text("300.00 元/月")
    subsidy_form = page.get_by_test_id("subsidy-form")
    subsidy_form.get_by_label("补贴类别").select_option(label="护理补贴")
    subsidy_form.get_by_role("button", name="登记补贴").click()
    expect(page.get_by_test_id("subsidy-history")).to_contain_text("护理补贴")
    expect(page.locator("[data-testid=subsidy-outlook] tr[data-kind=care]")).to_contain_text("享受中")
    screenshot(page, "eldercare-person-assessment")
    assert page.external_requests == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_leader_sees_indicators_2_to_4_on_the_dashboard_after_a_recompute(page, live_server, staff, leader, honglai):
    from eldercare.services.facilities import facility_create
    from eldercare.services.institutions import bed_count_record, institution_create

    home = institution_create(
        user=staff, name="洪濑颐养院", credit_code=credit_code(1), ownership="private", township=honglai,
        opened_on=D(2018, 1, 1), status="operating", full_time_care=True, day_care=True, home_visits=True,
    )  # fmt: skip
    bed_count_record(user=staff, institution=home, as_of=D(2024, 12, 31), total_beds=200, nursing_beds=120)
    facility_create(user=staff, name="洪濑镇长者食堂", kind="canteen", township=honglai, opened_on=D(2020, 1, 1))
    BaseStatistic.objects.update_or_create(year=2024, township=None, defaults={"population_60_plus": 10_000})
    recompute_run(RecomputeRun.objects.create(year=2024, as_of=D(2024, 12, 31), requested_by=staff))
    login(page, live_server, leader)
    page.goto(f"{live_server.url}/indicators/?year=2024")
    expect(page.get_by_test_id("tile-2")).to_contain_text("60")  # 120 / 200
    expect(page.get_by_test_id("tile-3")).to_contain_text("12")  # 120 / 10 (thousands)
    expect(page.get_by_test_id("tile-4")).to_contain_text("3.85")  # 1 / 26
    screenshot(page, "eldercare-indicators-dashboard")
    page.get_by_test_id("tile-4").click()
    expect(page.get_by_test_id("breakdown")).to_contain_text("洪濑镇")
    page.get_by_test_id("drilldown").click()
    expect(page.get_by_test_id("coverage-table")).to_be_visible()
    expect(page.locator("tr[data-township='350583113']")).to_contain_text("洪濑颐养院")
    assert not re.search(r"\d{17}[\dX]", page.content())


def test_an_officer_imports_community_facilities_from_the_facilities_list(page, live_server, officer, tmp_path):
    from eldercare.models import CommunityFacility
    from tests.eldercare.test_facility_import import good, sheet

    bad_row = good(2, township="水头镇")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet([good(1), bad_row]))
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/eldercare/facilities/")
    page.get_by_test_id("facility-import").click()
    screenshot(page, "eldercare-facility-import-upload")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-state")).to_have_text("有错误，未导入")
    expect(page.get_by_test_id("import-errors")).to_contain_text("只能登记本乡镇（街道）的设施")
    screenshot(page, "eldercare-facility-import-rejected")
    assert not CommunityFacility.objects.exists()

    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(sheet([good(1), good(2)]))
    page.goto(f"{live_server.url}/core/imports/eldercare-facilities/")
    page.set_input_files("#id_file", str(fixed))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-message")).to_contain_text("已导入 2 行")
    page.goto(f"{live_server.url}/eldercare/facilities/")
    expect(page.get_by_test_id("facility-table")).to_contain_text("导入设施2")
    screenshot(page, "eldercare-facility-list-imported")
    assert page.external_requests == []
