import pytest
from playwright.sync_api import expect

from core.models import Person
from tests.core.test_import import row, xlsx
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_uploads_a_sheet_sees_each_bad_row_then_imports_the_fixed_one(page, live_server, officer, tmp_path):
    good = make_id_number()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row("陈志明", good, head=good, relation="户主"), row("错号", "350583")]).read())
    login(page, live_server, officer)
    page.goto(f"{live_server.url}/core/imports/people/")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-state")).to_have_text("有错误，未导入")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("身份证号应为18位")
    expect(errors.locator("tbody tr")).to_have_count(1)
    screenshot(page, "core-import-rejected")
    assert not Person.objects.exists()

    fixed = tmp_path / "fixed.xlsx"
    fixed.write_bytes(xlsx([row("陈志明", good, head=good, relation="户主")]).read())
    page.goto(f"{live_server.url}/core/imports/people/")
    page.set_input_files("#id_file", str(fixed))
    page.click("button:has-text('上传并检查')")
    expect(page.get_by_test_id("import-message")).to_contain_text("已导入 1 行")
    assert Person.objects.get().id_number == good
    assert page.external_requests == []
