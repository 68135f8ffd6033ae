"""Every import template the portal offers: the data sheet holds the headers and nothing else (its
text columns formatted as text), the examples are on the instructions sheet only and pass the
portal's own rules, and a file made from the template counts and imports the rows a clerk filled."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.identifiers import parse_id_number
from core.imports import NOTES_SHEET, REGISTRY, Row
from core.models import ImportJob, Person
from core.spreadsheets import inspect_workbook
from tests.factories import make_id_number

KINDS = ["people", "villages", "assistance-cases", "funeral-ledger"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, kind) -> bytes:
    response = client.get(reverse("core:import_template", args=[kind]))
    assert response.status_code == 200
    return response.content


def examples_on_the_notes_sheet(content: bytes, kind: str) -> list[dict]:
    """The example rows under the repeated headers on the 填写说明 sheet, as {header: value}."""
    headers = REGISTRY[kind].headers
    rows = list(openpyxl.load_workbook(io.BytesIO(content))[NOTES_SHEET].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if list(r[: len(headers)]) == headers)
    return [dict(zip(headers, r, strict=False)) for r in rows[at + 1 :] if any(v not in (None, "") for v in r)]


def upload(client, kind, content: bytes, name="template.xlsx"):
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(reverse("core:import_upload", args=[kind]), {"file": file}, follow=True)


@pytest.mark.parametrize("kind", KINDS)
def test_the_data_sheet_has_the_headers_only_and_the_examples_are_on_the_instructions_sheet(staff, client_for, kind):
    importer = REGISTRY[kind]
    content = download(client_for(staff), kind)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    data = wb.worksheets[0]
    assert [c.value for c in data[1]] == importer.headers
    filled = [r for r in data.iter_rows(min_row=2, values_only=True) if any(v not in (None, "") for v in r)]
    assert filled == []
    for i, column in enumerate(importer.columns, start=1):
        if column.text:  # ID numbers stay text
            assert data.cell(row=2, column=i).number_format == "@"
    assert inspect_workbook(io.BytesIO(content)).filled_rows == 0
    examples = examples_on_the_notes_sheet(content, kind)
    assert len(examples) == len(importer.example) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_id_number_passes_the_check_digit(staff, client_for, kind):
    for example in examples_on_the_notes_sheet(download(client_for(staff), kind), kind):
        for header, value in example.items():
            if "身份证号" in header and value and kind != "assistance-cases":
                parse_id_number(value)  # raises on a wrong check digit (350523194805120013 did)


def test_the_assistance_example_names_no_applicant_but_says_it_must_be_registered(staff, client_for):
    (example,) = examples_on_the_notes_sheet(download(client_for(staff), "assistance-cases"), "assistance-cases")
    applicant = example["申请人身份证号"]
    assert "系统" in applicant and not any(ch.isdigit() for ch in applicant)


def test_the_people_examples_pass_the_importers_checks(officer):
    from core.importers import validate_people

    importer = REGISTRY["people"]
    rows = [
        Row(i, dict(zip([c.key for c in importer.columns], r, strict=True))) for i, r in enumerate(importer.example, 2)
    ]
    rows = [Row(r.number, {k: (v or None) for k, v in r.values.items()}) for r in rows]
    prepared, errors = validate_people(rows, user=officer, progress=lambda n: None)
    assert errors == [] and len(prepared) == len(importer.example)


def test_the_village_example_is_no_existing_village(staff):
    from core.demo.people import ensure_villages
    from core.importers import validate_villages
    from core.models import Division

    ensure_villages()  # the demo's villages (350583113201 among them)
    Division.objects.get_or_create(
        code="350583113201",
        defaults={"name": "金西村", "level": "village", "kind": "village", "parent_id": "350583113"},
    )
    importer = REGISTRY["villages"]
    rows = [Row(2, dict(zip([c.key for c in importer.columns], r, strict=True))) for r in importer.example]
    prepared, errors = validate_villages(rows, user=staff, progress=lambda n: None)
    assert errors == [] and len(prepared) == 1


def test_a_template_with_rows_2_to_5_filled_counts_and_imports_those_4_rows(officer, client_for, settings):
    settings.IMPORT_BACKGROUND_ROWS = 10  # 4 rows run here; the 2,000 formatted rows must not count
    client = client_for(officer)
    content = download(client, "people")
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = REGISTRY["people"].headers
    numbers = [make_id_number() for _ in range(4)]
    for row, number in enumerate(numbers, start=2):
        values = {"姓名": "人" + chr(0x4E00 + row), "身份证号": number, "乡镇（街道）": "洪濑镇"}
        for column, header in enumerate(headers, start=1):
            if header in values:
                ws.cell(row=row, column=column, value=values[header])
    buf = io.BytesIO()
    wb.save(buf)
    page = upload(client, "people", buf.getvalue()).content.decode()
    assert "后台" not in page and "2001" not in page  # was: 文件较大（2001 行），已转入后台导入
    job = ImportJob.objects.get()
    assert (job.state, job.total_rows, job.created_rows) == (ImportJob.State.DONE, 4, 4), job.errors
    assert set(Person.objects.values_list("id_number", flat=True)) == set(numbers)
    example_ids = {r[1] for r in REGISTRY["people"].example}
    assert not Person.objects.filter(id_number__in=example_ids).exists()
    assert inspect_workbook(io.BytesIO(buf.getvalue())).filled_rows == 4


@pytest.mark.parametrize("kind", KINDS)
def test_the_untouched_template_says_there_are_no_data_rows(staff, client_for, kind):
    client = client_for(staff)
    response = upload(client, kind, download(client, kind))
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED and job.total_rows == 0
    assert "没有数据行" in job.message + str(job.errors)
