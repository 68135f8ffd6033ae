"""养老服务补贴 through every door: the API (roster, standards, monthly lists; every answer checked
against the OpenAPI schema), the pages (roster with filters and export, the person page, the month's
list built and approved by two people) and the Excel import of the existing roster (all or nothing,
every bad row named, a fixed number of queries whatever the number of rows); another township's
record answers 404 everywhere."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.imports import REGISTRY, read_rows
from core.models import AccessLog, PaymentBatch, PaymentLine
from core.payments import payment_batch_build
from eldercare.api.subsidies import SubsidyLineSerializer
from eldercare.models import Subsidy
from eldercare.services.subsidies import PROGRAM, subsidy_enroll
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.api_schema import check
from tests.eldercare.conftest import NEXT, THIS_MONTH, assess, older

BASE = "/api/v1/eldercare/subsidies/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def eager_tasks():
    """The build runs in the web process (as on the quick start) once the request commits."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def two_entries(staff, honglai, shuitou, subsidy_standards):
    chen = older(honglai, 85, "陈阿婆", on=THIS_MONTH)
    lin = older(shuitou, 91, "林阿公", on=THIS_MONTH)
    return (
        subsidy_enroll(user=staff, person=chen, kind="high_age", starts_on=THIS_MONTH, bank_account="621700000001"),
        subsidy_enroll(user=staff, person=lin, kind="high_age", starts_on=THIS_MONTH),
    )


# --- API -------------------------------------------------------------------------------------------


def test_the_api_enrols_an_eligible_person_and_answers_by_the_schema(schema, officer, honglai, subsidy_standards):
    person = older(honglai, 88)
    body = {"person": person.pk, "kind": "high_age", "starts_on": f"{NEXT:%Y-%m}", "bank_account": "6217000000001"}
    response = api(officer).post(BASE, body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, BASE, "post", "201", response.json())
    assert response.json()["starts_on"] == f"{NEXT:%Y-%m}" and response.json()["status"] == "active"
    listed = api(officer).get(BASE, {"kind": "high_age"}).json()
    check(schema, BASE, "get", "200", listed)
    assert [r["id"] for r in listed["results"]] == [response.json()["id"]]


def test_an_ineligible_enrolment_answers_400_naming_the_field_and_saves_nothing(officer, honglai, subsidy_standards):
    person = older(honglai, 70)
    response = api(officer).post(BASE, {"person": person.pk, "kind": "care", "starts_on": f"{NEXT:%Y-%m}"},
                                 format="json")  # fmt: skip
    assert response.status_code == 400 and "没有能力评估" in str(response.json()["kind"])
    bad_month = api(officer).post(BASE, {"person": person.pk, "kind": "high_age", "starts_on": "2025-13"},
                                  format="json")  # fmt: skip
    assert bad_month.status_code == 400 and "starts_on" in bad_month.json()
    assert not Subsidy.objects.exists()


def test_a_leader_reads_the_roster_masked_and_cannot_enrol(schema, leader, two_entries):
    body = api(leader).get(BASE).json()
    check(schema, BASE, "get", "200", body)
    row = next(r for r in body["results"] if r["id"] == two_entries[0].pk)
    assert row["name"] != "陈阿婆" and "*" in row["id_number"] and row["bank_account"] != "621700000001"
    response = api(leader).post(BASE, {"person": two_entries[0].person_id, "kind": "care", "starts_on": "2025-01"})
    assert response.status_code == 403


def test_another_townships_entry_answers_404_in_the_api(officer, two_entries):
    shuitou_entry = two_entries[1]
    assert api(officer).get(f"{BASE}{shuitou_entry.pk}/").status_code == 404
    ended = api(officer).post(f"{BASE}{shuitou_entry.pk}/end/", {"ended_on": "2025-01-31", "reason": "x"})
    assert ended.status_code == 404
    assert Subsidy.objects.get(pk=shuitou_entry.pk).status == "active"
    assert shuitou_entry.pk not in [r["id"] for r in api(officer).get(BASE).json()["results"]]


def test_ending_an_entry_through_the_api(schema, officer, two_entries):
    entry = two_entries[0]
    response = api(officer).post(f"{BASE}{entry.pk}/end/", {"ended_on": f"{THIS_MONTH:%Y-%m-%d}", "reason": "迁出"})
    assert response.status_code == 200, response.json()
    check(schema, f"{BASE}{{id}}/end/", "post", "200", response.json())
    assert (response.json()["status"], response.json()["end_reason"]) == ("ended", "迁出")
    again = api(officer).post(f"{BASE}{entry.pk}/end/", {"ended_on": f"{THIS_MONTH:%Y-%m-%d}", "reason": "迁出"})
    assert again.status_code == 400 and "status" in again.json()


def test_standards_are_listed_and_added_by_the_bureau_only(schema, staff, officer):
    body = {"kind": "care", "threshold": 3, "amount": "300.00", "effective_from": "2024-01-01"}
    assert api(officer).post(f"{BASE}standards/", body, format="json").status_code == 403
    created = api(staff).post(f"{BASE}standards/", body, format="json")
    assert created.status_code == 201, created.json()
    check(schema, f"{BASE}standards/", "post", "201", created.json())
    listed = api(officer).get(f"{BASE}standards/").json()
    check(schema, f"{BASE}standards/", "get", "200", listed)
    assert listed["results"][0]["band"] == "重度失能"
    bad = api(staff).post(f"{BASE}standards/", {**body, "threshold": 7}, format="json")
    assert bad.status_code == 400 and "threshold" in bad.json()


def test_the_monthly_list_is_built_approved_by_another_and_never_approved_twice(
    schema, staff, make_user, two_entries, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        built = api(staff).post(f"{BASE}lists/", {"month": f"{NEXT:%Y-%m}"}, format="json")
    assert built.status_code == 202, built.json()
    check(schema, f"{BASE}lists/", "post", "202", built.json())
    batch_id = built.json()["id"]
    detail = api(staff).get(f"{BASE}lists/{batch_id}/").json()
    check(schema, f"{BASE}lists/{{id}}/", "get", "200", detail)
    assert (detail["build_state"], detail["line_count"], detail["total_amount"]) == ("done", 2, "300.00")
    own = api(staff).post(f"{BASE}lists/{batch_id}/approve/")
    assert own.status_code == 400 and "另一位" in str(own.json())
    checker = make_user("staff", username="checker")
    approved = api(checker).post(f"{BASE}lists/{batch_id}/approve/")
    assert approved.status_code == 200
    check(schema, f"{BASE}lists/{{id}}/approve/", "post", "200", approved.json())
    assert approved.json()["state"] == "approved"
    assert api(checker).post(f"{BASE}lists/{batch_id}/approve/").status_code == 400
    rebuilt = api(staff).post(f"{BASE}lists/", {"month": f"{NEXT:%Y-%m}"}, format="json")
    assert rebuilt.status_code == 400 and "month" in rebuilt.json()


def test_a_township_officer_sees_only_their_townships_lines_and_totals(schema, staff, officer, two_entries):
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    listed = api(officer).get(f"{BASE}lists/").json()
    check(schema, f"{BASE}lists/", "get", "200", listed)
    assert (listed["results"][0]["line_count"], listed["results"][0]["total_amount"]) == (1, "100.00")
    lines = api(officer).get(f"{BASE}lists/{batch.pk}/lines/").json()
    check(schema, f"{BASE}lists/{{id}}/lines/", "get", "200", lines)
    assert [line["subsidy"] for line in lines["results"]] == [two_entries[0].pk]
    assert api(officer).post(f"{BASE}lists/{batch.pk}/approve/").status_code == 403


# --- pages -----------------------------------------------------------------------------------------


def test_the_roster_page_filters_and_exports(client_for, staff, two_entries):
    client = client_for(staff)
    page = client.get("/eldercare/subsidies/", {"township": "350583113", "kind": "high_age"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "陈阿婆" in text and "林阿公" not in text
    export = client.get("/eldercare/subsidies/export/", {"township": "350583113"})
    assert export.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][0] == "陈阿婆" and values[1][4] == "高龄津贴" and len(values) == 2
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=staff).exists()


def test_the_months_list_exports_its_lines_as_the_page_shows_them_draft_included(
    client_for, staff, officer, two_entries
):
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    url = f"/eldercare/subsidy-lists/{batch.pk}/export/"
    assert f'href="{url}?' in client_for(staff).get(f"/eldercare/subsidy-lists/{batch.pk}/").content.decode()

    def rows(user, **params):
        response = client_for(user).get(url, params)
        assert response.status_code == 200
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [[c.value for c in row] for row in ws.iter_rows()][1:]

    everyone = rows(staff)
    assert sorted(r[0] for r in everyone) == ["林阿公", "陈阿婆"]
    chen = next(r for r in everyone if r[0] == "陈阿婆")
    assert (chen[1], chen[4], chen[5]) == (two_entries[0].person.id_number, "高龄津贴", 100)
    assert "80 周岁档" in chen[6]
    assert [r[0] for r in rows(staff, township="350583119")] == ["林阿公"]
    assert [r[0] for r in rows(officer)] == ["陈阿婆"]  # the officer's township only
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=officer).exists()


def test_the_standards_export_to_xlsx(client_for, leader, subsidy_standards):
    response = client_for(leader).get("/eldercare/subsidies/standards/export/")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert len(values) == 1 + len(subsidy_standards)
    assert ["高龄津贴", "80周岁及以上"] in [r[:2] for r in values]


def test_another_townships_person_and_entry_answer_404_on_the_pages(client_for, officer, two_entries):
    client = client_for(officer)
    shuitou_entry = two_entries[1]
    assert client.get(f"/eldercare/people/{shuitou_entry.person_id}/").status_code == 404
    assert client.post(f"/eldercare/subsidies/{shuitou_entry.pk}/suspend/").status_code == 404
    assert client.post(f"/eldercare/people/{shuitou_entry.person_id}/subsidies/", {}).status_code == 404
    assert Subsidy.objects.get(pk=shuitou_entry.pk).status == "active"


def test_the_person_page_shows_the_subsidy_the_assessment_brings_and_enrols(client_for, officer, honglai,
                                                                             subsidy_standards):  # fmt: skip
    person = older(honglai, 72)
    client = client_for(officer)
    before = client.get(f"/eldercare/people/{person.pk}/").content.decode()
    assert 'data-testid="subsidy-amount-care"' not in before and "没有能力评估" in before
    assess(officer, person, self_care=10)  # 68: mild (1)
    after = client.get(f"/eldercare/people/{person.pk}/").content.decode()
    assert 'data-testid="subsidy-amount-care">100.00 元/月' in after
    refused = client.post(
        f"/eldercare/people/{person.pk}/subsidies/", {"kind": "high_age", "starts_on": f"{NEXT:%Y-%m}"}
    )
    assert refused.status_code == 400 and "年满 80 周岁" in refused.content.decode()
    done = client.post(f"/eldercare/people/{person.pk}/subsidies/", {"kind": "care", "starts_on": f"{NEXT:%Y-%m}"})
    assert done.status_code == 302
    assert Subsidy.objects.get(person=person).kind == "care"


def test_the_month_page_builds_and_a_second_person_approves(
    client_for, staff, make_user, two_entries, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/eldercare/subsidy-lists/", {"month": f"{NEXT:%Y-%m}"})
    assert response.status_code == 302
    batch = PaymentBatch.objects.get(program=PROGRAM, month=NEXT)
    page = client.get(f"/eldercare/subsidy-lists/{batch.pk}/").content.decode()
    assert "2 人" in page and "300.00" in page
    client.post(f"/eldercare/subsidy-lists/{batch.pk}/approve/")
    batch.refresh_from_db()
    assert batch.state == "draft"  # the builder may not approve
    client_for(make_user("staff", username="checker")).post(f"/eldercare/subsidy-lists/{batch.pk}/approve/")
    batch.refresh_from_db()
    assert batch.state == "approved"
    bank = client.get(f"/eldercare/subsidy-lists/{batch.pk}/bank-file/")
    assert bank.status_code == 200 and bank["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_month_on_the_month_page_is_named(client_for, staff):
    response = client_for(staff).post("/eldercare/subsidy-lists/", {"month": "2019-12"})
    assert response.status_code == 400 and "发放月份应在" in response.content.decode()


def test_the_standards_page_adds_a_standard(client_for, staff):
    client = client_for(staff)
    response = client.post("/eldercare/subsidies/standards/",
                           {"kind": "high_age", "threshold": "80", "amount": "100", "effective_from": "2024-01-01"})  # fmt: skip
    assert response.status_code == 302
    assert "80周岁及以上" in client.get("/eldercare/subsidies/standards/").content.decode()


# --- Excel import ----------------------------------------------------------------------------------

HEADERS = REGISTRY["eldercare-subsidies"].headers


def _rows(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return read_rows(out, REGISTRY["eldercare-subsidies"])


def _validate(rows, user):
    return REGISTRY["eldercare-subsidies"].validate(_rows(rows), user=user, progress=lambda n: None)


def test_a_good_roster_file_imports_every_entry(staff, honglai, subsidy_standards):
    a, b = older(honglai, 85, "陈阿婆"), older(honglai, 66, "李阿公")
    assess(staff, b, self_care=0)
    prepared, errors = _validate([[a.id_number, "陈阿婆", "高龄津贴", "2024-01", "6217000000001", ""],
                                  [b.id_number, "李阿公", "护理补贴", "2024年3月", "", "续保"]], staff)  # fmt: skip
    assert errors == []
    assert REGISTRY["eldercare-subsidies"].save(prepared, user=staff) == 2
    rows = set(Subsidy.objects.values_list("person_id", "kind", "starts_on", "note"))
    assert rows == {(a.pk, "high_age", THIS_MONTH.replace(year=2024, month=1), ""),
                    (b.pk, "care", THIS_MONTH.replace(year=2024, month=3), "续保")}  # fmt: skip


def test_every_bad_row_is_named_with_its_column(staff, officer, honglai, shuitou, subsidy_standards):
    a = older(honglai, 85, "陈阿婆")
    young = older(honglai, 70, "年轻人")
    other = older(shuitou, 90, "林阿公")
    subsidy_enroll(user=staff, person=a, kind="high_age", starts_on=THIS_MONTH)
    prepared, errors = _validate([
        [a.id_number, "陈阿婆", "高龄津贴", "2024-01", "", ""],  # already on the roster
        [young.id_number, "年轻人", "高龄津贴", "2024-01", "", ""],  # under the lowest band
        [young.id_number, "别人", "服务补贴", "2024-01", "", ""],  # wrong name, no category
        [other.id_number, "林阿公", "高龄津贴", "2024-01", "", ""],  # another township
        ["350583194503080022", "无此人", "养老金", "2024-13", "abc", ""],
    ], officer)  # fmt: skip
    assert prepared == []
    named = {(e.row, e.column) for e in errors}
    assert {(2, "补贴类别"), (3, "补贴类别"), (4, "姓名"), (5, "身份证号"), (6, "身份证号"), (6, "补贴类别"),
            (6, "起始月份"), (6, "银行账号")} <= named, errors  # fmt: skip
    assert not Subsidy.objects.exclude(person=a).exists()


def test_a_sheet_cannot_tell_whose_number_is_registered_in_another_township(
    officer, honglai, shuitou, subsidy_standards
):
    """A township officer's sheet names a person of another township with their right name, then
    with a wrong one, then a number no one has: all three are the same error, an unknown number in
    the officer's jurisdiction, so a sheet cannot be used to learn who holds a number elsewhere."""
    other = older(shuitou, 90, "林阿公")
    unknown = "350583194503080022"
    prepared, errors = _validate([
        [other.id_number, "林阿公", "高龄津贴", "2024-01", "", ""],
        [other.id_number, "别人", "高龄津贴", "2024-01", "", ""],
        [unknown, "无此人", "高龄津贴", "2024-01", "", ""],
    ], officer)  # fmt: skip
    assert prepared == []
    by_row = {}
    for e in errors:
        by_row.setdefault(e.row, []).append((e.column, e.message.replace(other.id_number, unknown)))
    assert (
        by_row[2]
        == by_row[3]
        == by_row[4]
        == [("身份证号", f"本辖区内没有身份证号为 {unknown} 的人员，请先在人员管理中登记。")]
    )


def test_validation_takes_the_same_number_of_queries_for_2_and_40_rows(staff, honglai, subsidy_standards):
    people = [older(honglai, 81 + n % 19, f"人{chr(0x4E00 + n)}") for n in range(40)]
    rows = [[p.id_number, p.name, "高龄津贴", "2024-01", "", ""] for p in people]
    counts = []
    for subset in (rows[:2], rows):
        with CaptureQueriesContext(connection) as ctx:
            prepared, errors = _validate(subset, staff)
        assert errors == [] and len(prepared) == len(subset)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_lines_rows_are_the_serializers_fields_for_every_reader(staff, make_user, two_entries):
    """A list's lines are built straight from their rows (SubsidyLineRowsSerializer): for every reader
    of payment lists, each is exactly SubsidyLineSerializer's fields (amount, masked payee and account)."""
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    lines = PaymentLine.objects.select_related("payee")
    users = readers(make_user, allowed_to="core.view_paymentbatch")
    assert_rows_are_the_fields(f"{BASE}lists/{batch.pk}/lines/", {"township": "350583113"}, SubsidyLineSerializer,
                               lambda ids: [lines.get(pk=pk) for pk in ids], users, expected=1)  # fmt: skip
    assert lines.get(batch=batch, township_id="350583113").bank_account  # an account to mask
