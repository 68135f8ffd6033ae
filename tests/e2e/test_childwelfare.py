"""Child welfare in a real browser: a village assistant records a visit and enters the guardian's
orphan application; the township officer verifies it; the bureau confirms it; the child appears on
next month's allowance list, built by the shared payment engine."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from childwelfare.models import AllowanceStandard
from childwelfare.services.children import CategoryInput, child_file_open
from core.payments import next_month
from tests.e2e.conftest import screenshot
from tests.e2e.test_people_pages import login
from tests.factories import PersonFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


@pytest.fixture
def eager_tasks():
    """The build runs in the web process (as on the quick start): the browser sees its result."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def child(assistant, honglai):
    AllowanceStandard.objects.create(
        kind="orphan_scattered", amount=Decimal("1350.00"), effective_from=datetime.date(2020, 1, 1)
    )
    person = PersonFactory(
        township=honglai, name="陈小宇", id_number=make_id_number(datetime.date(TODAY.year - 9, 4, 2))
    )
    return child_file_open(
        user=assistant, person=person, care_setting="kinship", guardian_name="陈伯阳", guardian_relation="祖父",
        guardian_phone="13905951234", bank_account="6217000011112222",
        categories=[CategoryInput(code="distress", start=TODAY - datetime.timedelta(days=40), distress_reason="guardianship")],
    )  # fmt: skip


def _as(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, user)
    return context, page, errors


def test_visit_recognition_confirmation_and_next_months_allowance(
    browser, live_server, assistant, officer, staff, child, eager_tasks
):
    # 1. The village assistant records a visit, then the guardian's orphan application.
    context, page, errors = _as(browser, live_server, assistant)
    page.goto(f"{live_server.url}/childwelfare/children/{child.pk}/")
    page.get_by_test_id("add-visit").click()
    page.fill("#id_visitor_name", "黄秀英")
    page.fill("#id_findings", "祖父年迈，生活照料不足；父母已故，监护人申请孤儿认定")
    page.fill("#id_follow_up", "协助提交孤儿认定申请")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("visit-table")).to_contain_text("祖父年迈")
    page.get_by_test_id("add-recognition").click()
    page.select_option("#id_kind", "orphan")
    page.select_option("#id_father_situation", "deceased")
    page.select_option("#id_mother_situation", "deceased")
    page.fill("#id_evidence", "父母死亡证明")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("recognition-state")).to_have_text("已申请，待乡镇核查")
    recognition_url = page.url
    assert errors == []
    context.close()

    # 2. The township officer verifies it.
    context, page, errors = _as(browser, live_server, officer)
    page.goto(f"{live_server.url}/childwelfare/recognitions/")
    page.get_by_test_id("recognition-table").get_by_role("link", name="陈小宇").click()
    page.fill("#id_opinion", "经入户核查，父母均已死亡，情况属实")
    page.get_by_role("button", name="核查通过，报民政局").click()
    expect(page.get_by_test_id("recognition-state")).to_have_text("乡镇已核查，待民政局确认")
    context.close()

    # 3. The bureau confirms; the file shows the orphan category from today.
    context, page, errors = _as(browser, live_server, staff)
    page.goto(recognition_url)
    page.get_by_role("button", name="确认认定").click()
    expect(page.get_by_test_id("recognition-state")).to_have_text("已确认")
    page.get_by_role("link", name="陈小宇").first.click()
    expect(page.get_by_test_id("category-timeline")).to_contain_text("孤儿")

    # 4. Next month's allowance list, built by the payment engine, pays the child.
    page.goto(f"{live_server.url}/childwelfare/allowances/")
    month = f"{next_month(TODAY):%Y-%m}"
    expect(page.locator("#id_month")).to_have_value(month)
    page.get_by_role("button", name="生成发放名单").click()
    batch_row = page.get_by_test_id("batch-table").get_by_role("row").filter(has_text=month)
    expect(batch_row).to_contain_text("1350")
    batch_row.get_by_role("link", name=month).click()
    lines = page.get_by_test_id("line-table")
    expect(lines).to_contain_text("陈小宇")
    expect(lines).to_contain_text("孤儿")
    screenshot(page, "childwelfare-allowance-list")
    assert errors == []
    context.close()
