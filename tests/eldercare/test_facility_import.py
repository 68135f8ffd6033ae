"""The community-facility import: the same rules as the form and the API (facility_check), all rows
or none, every bad row named, and a fixed number of queries for validation whatever the file's size."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.imports import NOTES_SHEET, REGISTRY, Row, import_job_run, read_rows, template_workbook
from core.models import ImportJob
from eldercare.models import CommunityFacility

KIND = "eldercare-facilities"
IMPORTER = REGISTRY[KIND]
HEADERS = IMPORTER.headers


def sheet(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def good(n, township="洪濑镇", kind="长者食堂"):
    return [f"导入设施{n}", kind, township, "", "2021-05-01", "", "运营中", "否", "是", "是", ""]


def run(user, content: bytes) -> ImportJob:
    job = ImportJob.objects.create(kind=KIND, created_by=user, original_name="facilities.xlsx", total_rows=0)
    job.file.save("facilities.xlsx", ContentFile(content))
    return import_job_run(job)


def validate(rows, user):
    return IMPORTER.validate(read_rows(io.BytesIO(sheet(rows)), IMPORTER), user=user, progress=lambda n: None)


def test_a_good_file_imports_every_facility_with_its_history(staff):
    rows = [good(1), good(2, "350583119", "日间照料中心"), good(3, kind="农村幸福院")]
    rows[2][6:10] = ["筹建中", "", "", ""]
    rows[2][4] = ""
    job = run(staff, sheet(rows))
    assert job.state == ImportJob.State.DONE, job.errors
    assert job.created_rows == 3
    canteen = CommunityFacility.objects.get(name="导入设施1")
    assert (canteen.kind, canteen.township_id, canteen.status) == ("canteen", "350583113", "operating")
    assert (canteen.full_time_care, canteen.day_care, canteen.home_visits) == (False, True, True)
    assert canteen.opened_on == datetime.date(2021, 5, 1)
    assert CommunityFacility.objects.get(name="导入设施2").kind == "day_care"
    planned = CommunityFacility.objects.get(name="导入设施3")
    assert (planned.status, planned.opened_on, planned.day_care) == ("planned", None, False)
    assert canteen.history.count() == 1


def test_every_bad_row_is_named_and_nothing_is_saved(staff, make_facility):
    existing = make_facility(name="已有幸福院")
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    rows = {
        2: good(1),
        3: [existing.name, "农村幸福院", "洪濑镇", "", "2020-01-01", "", "", "", "", "", ""],
        4: good(4, kind="养老公寓"),
        5: good(5, township="火星镇"),
        6: [*good(6)[:4], "", "", "运营中", "否", "否", "否", ""],  # operating without an opening date
        7: [*good(7)[:4], "2021-05-01", "2020-01-01", "已关闭", "否", "否", "否", ""],  # closed before it opened
        8: [*good(8)[:4], future, "", "运营中", "否", "否", "否", ""],  # opened in the future
        9: [*good(9)[:4], "2021-13-01", "", "运营中", "否", "否", "否", ""],
        10: [*good(10)[:7], "也许", "否", "否", ""],
        11: ["长" * 101, "长者食堂", "洪濑镇", "", "2021-05-01", "", "", "", "", "", ""],
        12: good(1),  # the same name in the same township as row 2
        13: good(1, township="水头镇"),  # the same name elsewhere is another facility
        14: [*good(14)[:6], "搬迁中", "否", "否", "否", ""],
    }
    job = run(staff, sheet(list(rows.values())))
    assert job.state == ImportJob.State.REJECTED
    named = {(e["row"], e["column"]) for e in job.errors}
    assert (3, "设施名称") in named
    assert (4, "类型") in named
    assert (5, "乡镇（街道）") in named
    assert (6, "开业日期") in named
    assert (7, "关闭日期") in named
    assert (8, "开业日期") in named
    assert (9, "开业日期") in named
    assert (10, "全托") in named
    assert (11, "设施名称") in named
    assert (12, "设施名称") in named
    assert (14, "状态") in named
    assert {e["row"] for e in job.errors} == set(rows) - {2, 13}
    duplicate = next(e["message"] for e in job.errors if e["row"] == 12)
    assert "第 2 行" in duplicate
    assert CommunityFacility.objects.count() == 1


def test_a_township_officer_imports_their_own_townships_facilities_only(officer):
    _prepared, errors = validate([good(1), good(2, "水头镇")], officer)
    assert [(e.row, e.column) for e in errors] == [(3, "乡镇（街道）")]
    job = run(officer, sheet([good(1)]))
    assert job.state == ImportJob.State.DONE, job.errors
    assert CommunityFacility.objects.get().township_id == officer.township_id


def test_validation_costs_the_same_queries_for_ten_rows_as_for_five_hundred(staff, make_facility):
    make_facility(name="导入设施3")  # one existing name in the file: found by the same query

    def queries(n):
        rows = read_rows(io.BytesIO(sheet([good(i) for i in range(1, n + 1)])), IMPORTER)
        with CaptureQueriesContext(connection) as captured:
            prepared, errors = IMPORTER.validate(rows, user=staff, progress=lambda done: None)
        assert len(prepared) == n - 1 and [e.row for e in errors] == [4]
        return len(captured)

    assert queries(10) == queries(500) <= 2


def test_the_template_has_headers_only_and_its_examples_pass_the_importers_checks(staff):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(IMPORTER)))
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == HEADERS
    assert data.max_row == 1 or all(c.value is None for c in data[2])
    notes = [[c.value for c in row] for row in wb[NOTES_SHEET].iter_rows()]
    start = next(i for i, r in enumerate(notes) if r[: len(HEADERS)] == HEADERS) + 1
    examples = [r[: len(HEADERS)] for r in notes[start:]]
    assert len(examples) == len(IMPORTER.example)
    rows = [
        Row(n, {c.key: (str(v) if v is not None else None) for c, v in zip(IMPORTER.columns, example, strict=True)})
        for n, example in enumerate(examples, start=2)
    ]
    prepared, errors = IMPORTER.validate(rows, user=staff, progress=lambda done: None)
    assert errors == [] and len(prepared) == len(examples)


def test_the_facility_list_offers_the_import_to_who_may_import(client_for, staff, officer, leader):
    link = reverse("core:import_upload", args=[KIND])
    for user, shown in ((staff, True), (officer, True), (leader, False)):
        page = client_for(user).get(reverse("eldercare:facility_list")).content.decode()
        assert (link in page) is shown, user
    assert client_for(officer).get(link).status_code == 200
    assert client_for(leader).get(link).status_code == 403


@pytest.mark.parametrize("role", ["assistant", "leader", "api_client_user"])
def test_only_who_registers_facilities_may_import_them(request, role):
    assert not request.getfixturevalue(role).has_perm(IMPORTER.permission)
