"""The registry import: every bad row named (bad credit codes by row, with the reason), nothing saved
until all are good, and a sheet validated with a fixed number of queries whatever its size."""

import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.imports import REGISTRY, import_job_run, template_workbook
from core.models import ImportJob
from orgs.models import Organisation, StatusChange
from tests.orgs.conftest import credit_code

HEADERS = ["名称", "统一社会信用代码", "类型", "登记日期", "乡镇（街道）", "登记状态", "注销日期"]


def sheet(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows(n: int, start: int = 1):
    return [[f"南安市测试社团{i}", credit_code("association", i), "社会团体", "2016-05-01", "洪濑镇", "", ""]
            for i in range(start, start + n)]  # fmt: skip


def run(staff, content: bytes) -> ImportJob:
    from django.core.files.base import ContentFile

    job = ImportJob.objects.create(kind="orgs-registry", created_by=staff, original_name="registry.xlsx", total_rows=0)
    job.file.save("registry.xlsx", ContentFile(content))
    return import_job_run(job)


def test_two_bad_codes_are_named_by_row_and_nothing_is_saved(staff):
    data = rows(5)
    data[1][1] = data[1][1][:-1] + ("1" if data[1][1][-1] != "1" else "2")  # row 3: wrong check character
    data[3][1] = credit_code("foundation", 99)  # row 5: a foundation's code for an association
    job = run(staff, sheet(data))
    assert job.state == ImportJob.State.REJECTED
    named = {(e["row"], e["column"]) for e in job.errors}
    assert named == {(3, "统一社会信用代码"), (5, "统一社会信用代码")}
    assert any("校验位错误" in e["message"] for e in job.errors if e["row"] == 3)
    assert any("不符" in e["message"] for e in job.errors if e["row"] == 5)
    assert not Organisation.objects.exists()


def test_duplicates_within_the_sheet_and_against_the_registry_are_named(staff):
    first = run(staff, sheet(rows(2)))
    assert first.state == ImportJob.State.DONE
    data = rows(2) + rows(1, start=50) + rows(1, start=50)
    job = run(staff, sheet(data))
    messages = {(e["row"], e["message"][:10]) for e in job.errors}
    assert {r for r, _m in messages} == {2, 3, 5}
    assert Organisation.objects.count() == 2


def test_a_good_sheet_imports_with_its_history_and_deregistered_organisations(staff):
    data = rows(3)
    data[2][5], data[2][6] = "已注销", "2020-02-02"
    job = run(staff, sheet(data))
    assert job.state == ImportJob.State.DONE, job.errors
    assert Organisation.objects.count() == 3
    gone = Organisation.objects.get(name="南安市测试社团3")
    assert gone.status == "deregistered" and str(gone.deregistered_on) == "2020-02-02"
    assert StatusChange.objects.count() == 4
    # and each organisation's audit history starts with the import, under the importing user
    created = Organisation.history.filter(history_type="+")
    assert created.count() == 3 and set(created.values_list("history_user", "history_change_reason")) == {
        (staff.pk, "Excel导入：社会组织")
    }


def test_validation_costs_the_same_queries_for_ten_rows_as_for_a_thousand(staff):
    importer = REGISTRY["orgs-registry"]
    from core.imports import read_rows

    def queries(n):
        parsed = read_rows(io.BytesIO(sheet(rows(n))), importer)
        with CaptureQueriesContext(connection) as captured:
            prepared, errors = importer.validate(parsed, user=staff, progress=lambda done: None)
        assert not errors and len(prepared) == n
        return len(captured)

    assert queries(10) == queries(1000) <= 4


def test_the_template_example_passes_the_importers_own_checks(staff):
    content = template_workbook(REGISTRY["orgs-registry"])
    wb = openpyxl.load_workbook(io.BytesIO(content))
    data = wb.worksheets[0]
    assert [c.value for c in data[2]] == [None] * len(data[1])  # headers only: the example lives on 填写说明
    notes = [[c.value for c in row] for row in wb["填写说明"].iter_rows()]
    headers = REGISTRY["orgs-registry"].headers
    example = notes[next(i for i, r in enumerate(notes) if r[: len(headers)] == headers) + 1]
    from core.imports import Row

    columns = REGISTRY["orgs-registry"].columns
    row = Row(2, {c.key: (str(v) if v is not None else None) for c, v in zip(columns, example, strict=False)})
    prepared, errors = REGISTRY["orgs-registry"].validate([row], user=staff, progress=lambda done: None)
    assert errors == [] and len(prepared) == 1
