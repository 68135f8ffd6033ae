"""A bureau clerk moves the organisations registry into the portal: a sheet with two bad credit codes
is refused with both rows named, the fixed sheet imports, the organisations are found in the registry,
and after the 1 June check the public abnormal-activity list shows the one that missed its report."""

import datetime

import pytest
from playwright.sync_api import expect

from orgs.models import Organisation
from orgs.services.reports import annual_report_check, annual_report_record
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.orgs.conftest import credit_code
from tests.orgs.test_import import rows, sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_import_the_registry_fix_two_bad_codes_and_see_the_abnormal_list(page, live_server, staff, tmp_path):
    data = rows(4)
    good_codes = [r[1] for r in data]
    data[1][1] = data[1][1][:-1] + ("1" if data[1][1][-1] != "1" else "2")
    data[2][1] = credit_code("social_service_agency", 3)  # a valid agency code on an association
    bad = tmp_path / "registry-bad.xlsx"
    bad.write_bytes(sheet(data))
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/core/imports/orgs-registry/")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-state")).to_have_text("有错误，未导入")
    errors = page.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors).to_contain_text("校验位错误")
    expect(errors).to_contain_text("与类型“社会团体”不符")
    screenshot(page, "orgs-import-rejected")
    assert not Organisation.objects.exists()

    for i, code in enumerate(good_codes):
        data[i][1] = code
    fixed = tmp_path / "registry-fixed.xlsx"
    fixed.write_bytes(sheet(data))
    page.goto(f"{live_server.url}/core/imports/orgs-registry/")
    page.set_input_files("#id_file", str(fixed))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-message")).to_contain_text("已导入 4 行")

    page.goto(f"{live_server.url}/orgs/?q=测试社团")
    expect(page.get_by_test_id("total")).to_have_text("4")
    expect(page.get_by_test_id("organisation-table")).to_contain_text("南安市测试社团3")
    screenshot(page, "orgs-registry")

    for org in Organisation.objects.exclude(name="南安市测试社团2"):
        annual_report_record(user=staff, organisation=org, year=2023, submitted_on=datetime.date(2024, 4, 1))
    annual_report_check(year=2023, run_on=datetime.date(2024, 6, 1))
    anonymous = page.context.browser.new_context(locale="zh-CN").new_page()
    anonymous.goto(f"{live_server.url}/orgs/public/abnormal/")
    listed = anonymous.get_by_test_id("public-list")
    expect(listed.locator("tbody tr")).to_have_count(1)
    expect(listed).to_contain_text("南安市测试社团2")
    expect(listed).to_contain_text("未按规定报送 2023 年度工作报告")
    screenshot(anonymous, "orgs-public-abnormal-list")
    anonymous.context.close()
    assert page.external_requests == []


def test_a_reviewer_unfolds_the_review_action_and_records_the_result(page, live_server, staff, honglai):
    """The organisation page's action buttons unfold their section (static/js/portal.js): the review
    action added after an attacker's walk (an officer could set the result) is a click away."""
    from orgs.models import AnnualReport
    from orgs.services.organisations import organisation_create

    org = organisation_create(
        user=staff, name="南安市测试审查协会", credit_code=credit_code("association", 1), type="association",
        registered_on=datetime.date(2015, 3, 1), township=honglai,
    )  # fmt: skip
    annual_report_record(user=staff, organisation=org, year=2024, submitted_on=datetime.date(2025, 3, 1))
    login(page, live_server, staff)
    page.goto(f"{live_server.url}/orgs/{org.pk}/")
    review = page.locator("#form-review")
    expect(review.get_by_label("审查结论")).to_be_hidden()
    page.get_by_role("link", name="审查年度工作报告").click()
    expect(review.get_by_label("审查结论")).to_be_visible()
    review.get_by_label("审查结论").select_option(value="basic")
    review.get_by_role("button", name="保存").click()
    expect(page.locator("body")).to_contain_text("已录入审查结论")
    assert AnnualReport.objects.get(organisation=org).result == "basic"
