"""Uploads that would make the reader allocate without bound are refused before they are read.

A 1.7 KB xlsx whose sheet has cells A1 and XFD1048576 made the reader ask for 549 GB and killed
the web worker; one reaching Z1048576 took 842 MB. The files are written here by hand (zipfile and
the sheet XML), and the dangerous uploads run in a forked child with its address space capped, so a
regression fails the test instead of killing the test runner."""

import io
import json
import os
import resource
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importers import PEOPLE_IMPORTER
from core.imports import read_rows
from core.models import ImportJob
from core.spreadsheets import ImportFileError, inspect_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)


def handmade_xlsx(sheet_data: str, *, dimension: str | None = None, extra: dict | None = None) -> bytes:
    """A minimal workbook whose first sheet's <sheetData> is `sheet_data`, written by hand."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">{dim}'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def a1_and(last: str, *, dimension: str | None = None) -> bytes:
    """Cells A1 and `last` (e.g. XFD1048576): two cells, a huge rectangle."""
    row = "".join(ch for ch in last if ch.isdigit())
    return handmade_xlsx(
        f'<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'
        f'<row r="{row}"><c r="{last}"><v>1</v></c></row>',
        dimension=dimension if dimension is not None else f"A1:{last}",
    )


def upload(data: bytes, name="people.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def in_capped_child(fn, *, headroom_mb: int = 400) -> dict:
    """Run `fn` in a forked child whose address space may grow by `headroom_mb` only; return what
    it returned (a JSON-able dict) with its peak memory growth, or how it died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, never runs the parent's exit handlers
        try:
            os.close(read_end)
            with open("/proc/self/status") as fh:
                vm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
            limit = (vm_kb + headroom_mb * 1024) * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result = fn()
            result["peak_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            payload = json.dumps(result)
        except BaseException as exc:
            payload = json.dumps({"child_error": repr(exc)[:2000]})
        os.write(write_end, payload.encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    _pid, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status), f"the upload killed its process (signal {os.WTERMSIG(status)})"
    result = json.loads(b"".join(chunks) or b"{}")
    assert "child_error" not in result, result["child_error"]
    return result


def post_in_capped_child(client, data: bytes) -> dict:
    def post():
        response = client.post(reverse("core:import_upload", args=["people"]), {"file": upload(data)}, follow=True)
        return {"status": response.status_code, "html": response.content.decode()}

    return in_capped_child(post)


@pytest.mark.parametrize(
    ("last", "dimension", "says"),
    [
        ("XFD1048576", None, "16,384 列"),  # declared: 1,048,576 rows × 16,384 columns
        ("Z1048576", None, "1,048,576 行"),
        ("XFD1048576", "A1", "16,384 列"),  # the dimension lies: the cells themselves are counted
        ("Z1048576", "A1:B2", "1,048,576 行"),
    ],
)
def test_a_tiny_file_spanning_a_huge_sheet_is_refused_and_the_worker_survives(
    officer, client_for, last, dimension, says
):
    data = a1_and(last, dimension=dimension)
    assert len(data) < 2000  # the probe's file was 1.7 KB
    result = post_in_capped_child(client_for(officer), data)
    assert result["status"] == 200
    assert says in result["html"] and "最多" in result["html"], result["html"][-3000:]
    assert result["peak_growth_mb"] < 100
    assert not ImportJob.objects.exists()  # refused before a job or a stored file


def test_the_background_reader_refuses_the_same_file(db):
    """The worker reads through the same checks: a job whose file was never inspected (another
    door, an old upload) is rejected with the reason, not read."""

    def read():
        try:
            read_rows(io.BytesIO(a1_and("XFD1048576", dimension="A1")), PEOPLE_IMPORTER)
        except ImportFileError as exc:
            return {"refused": str(exc)}
        return {"refused": ""}

    assert "16,384 列" in in_capped_child(read)["refused"]


def test_the_worker_reads_the_file_the_upload_inspected_without_a_second_look(officer, client_for, monkeypatch):
    """The upload page inspects the file and keeps its digest with the job: the worker reading the
    same bytes does not scan them again (the scan of 100,000 rows takes a second and a half)."""
    import hashlib

    from core import spreadsheets
    from tests.core.test_import import row, xlsx
    from tests.factories import make_id_number

    data = xlsx([row("陈志明", make_id_number())]).read()
    looks = []
    inspect = spreadsheets._inspect_archive
    monkeypatch.setattr(spreadsheets, "_inspect_archive", lambda parts: looks.append(1) or inspect(parts))
    client_for(officer).post(reverse("core:import_upload", args=["people"]), {"file": upload(data)})
    job = ImportJob.objects.get()
    assert job.inspected_sha256 == spreadsheets.file_digest(io.BytesIO(data)) != hashlib.sha256(data).hexdigest()
    assert (job.state, job.created_rows, len(looks)) == (ImportJob.State.DONE, 1, 1)  # the upload's look only


def test_bytes_inspected_under_other_limits_are_inspected_again(settings):
    """The digest is taken under the limits in force: lowered after the upload (or set otherwise on
    the worker), the same bytes are looked at again, and refused if they are now too large."""
    from core.spreadsheets import file_digest, sheet_rows

    data = a1_and("C9", dimension="A1:C9")
    inspected = inspect_workbook(io.BytesIO(data)).digest
    assert file_digest(io.BytesIO(data)) == inspected
    settings.IMPORT_MAX_ROWS = 5
    assert file_digest(io.BytesIO(data)) != inspected
    with pytest.raises(ImportFileError, match="最多 5 行数据"):
        list(sheet_rows(io.BytesIO(data), inspected=inspected))


def test_a_stored_file_changed_after_its_upload_is_inspected_again_and_refused(officer, client_for):
    """The digest is of the bytes the upload inspected: other bytes in the job's place (a file
    replaced in storage) are inspected before they are read, and a bomb among them is refused."""
    from core.imports import import_job_run
    from tests.core.test_import import row, xlsx
    from tests.factories import make_id_number

    good = xlsx([row("陈志明", make_id_number())] * 600).read()  # past IMPORT_BACKGROUND_ROWS: queued
    client_for(officer).post(reverse("core:import_upload", args=["people"]), {"file": upload(good)})
    job = ImportJob.objects.get()
    with job.file.open("wb") as fh:
        fh.write(a1_and("XFD1048576", dimension="A1"))

    def run():
        done = import_job_run(ImportJob.objects.get(pk=job.pk))
        return {"state": done.state, "message": done.message}

    result = in_capped_child(run)
    assert result["state"] == ImportJob.State.REJECTED and "16,384 列" in result["message"], result
    assert result["peak_growth_mb"] < 100


def test_the_limits_come_from_settings_and_the_message_names_them(officer, client_for, settings):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS = 3, 5
    headers = "".join(f'<c r="{c}1" t="inlineStr"><is><t>h{c}</t></is></c>' for c in "ABC")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, 7))
    response = client_for(officer).post(
        reverse("core:import_upload", args=["people"]),
        {"file": upload(handmade_xlsx(f'<row r="1">{headers}</row>{rows}'))},
        follow=True,
    )
    html = response.content.decode()
    assert "5 行数据" in html and "最多 3 行数据" in html, html
    wide = "".join(f"<c><v>{i}</v></c>" for i in range(6))  # cells without a reference: counted too
    response = client_for(officer).post(
        reverse("core:import_upload", args=["people"]),
        {"file": upload(handmade_xlsx(f"<row>{wide}</row>"))},
        follow=True,
    )
    html = response.content.decode()
    assert "6 列" in html and "最多 5 列" in html, html


def test_a_zip_bomb_is_refused_by_its_uncompressed_size(officer, client_for, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 5 * 1024 * 1024
    data = handmade_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', extra={"xl/padding.xml": " " * (8 * 1024 * 1024)})
    assert len(data) < 50_000
    response = client_for(officer).post(
        reverse("core:import_upload", args=["people"]), {"file": upload(data)}, follow=True
    )
    html = response.content.decode()
    assert "解压后" in html and "5.0 MB" in html, html
    assert not ImportJob.objects.exists()


def test_too_many_shared_strings_are_refused(db, settings):
    settings.IMPORT_MAX_CELLS = 1000
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(1500))
    data = handmade_xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        extra={"xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{MAIN}">{strings}</sst>'},
    )
    with pytest.raises(ImportFileError, match="1,500"):
        inspect_workbook(io.BytesIO(data))


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an old .xls (OLE2), or an encrypted xlsx
        b"PK\x03\x04 not really a zip",
    ],
    ids=["html", "ole2", "broken-zip"],
)
def test_content_that_is_not_xlsx_is_refused_whatever_its_name(officer, client_for, data):
    response = client_for(officer).post(
        reverse("core:import_upload", args=["people"]), {"file": upload(data)}, follow=True
    )
    assert "请上传 Excel（.xlsx）文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(officer, client_for):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    response = client_for(officer).post(
        reverse("core:import_upload", args=["people"]), {"file": upload(buf.getvalue())}, follow=True
    )
    assert "请上传 Excel（.xlsx）文件" in response.content.decode()


def test_a_handmade_workbook_within_the_limits_still_imports(officer, client_for):
    from tests.factories import make_id_number

    number = make_id_number()
    cells = [("A", "姓名"), ("B", "身份证号"), ("D", "乡镇（街道）")]
    header = "".join(f'<c r="{c}1" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in cells)
    values = [("A", "手写"), ("B", number), ("D", "洪濑镇")]
    row = "".join(f'<c r="{c}2" t="inlineStr"><is><t>{t}</t></is></c>' for c, t in values)
    client_for(officer).post(
        reverse("core:import_upload", args=["people"]),
        {"file": upload(handmade_xlsx(f'<row r="1">{header}</row><row r="2">{row}</row>', dimension="A1:D2"))},
        follow=True,
    )
    job = ImportJob.objects.get()
    assert (job.state, job.created_rows) == (ImportJob.State.DONE, 1), (job.message, job.errors)


BOMB_ROWS = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>'


def sheet_xml(sheet_data: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{sheet_data}</sheetData></worksheet>'


def zipped(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def workbook_with(target: str, sheets: dict) -> bytes:
    """The workbook's first sheet at rels target `target`, and `sheets` as members."""
    rels = WORKBOOK_RELS.replace('Target="worksheets/sheet1.xml"', f'Target="{target}"')
    return zipped(
        {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
         "xl/_rels/workbook.xml.rels": rels, **sheets}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("target", "literal"),
    [
        ("worksheets/../worksheets/sheet1.xml", "xl/worksheets/../worksheets/sheet1.xml"),
        ("worksheets//sheet1.xml", "xl/worksheets//sheet1.xml"),
        ("./worksheets/sheet1.xml", "xl/./worksheets/sheet1.xml"),
        ("worksheets/sheet1.xml", "xl/Worksheets/Sheet1.xml"),  # the reader ignores ASCII case
    ],
)
def test_a_sheet_path_that_only_looks_like_the_checked_one_is_refused(officer, client_for, target, literal):
    """A harmless sheet at the normalised name and the bomb at the literal one the reader opens."""
    data = workbook_with(
        target, {"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW), literal: sheet_xml(HEADER_ROW + BOMB_ROWS)}
    )
    result = post_in_capped_child(client_for(officer), data)
    assert "文件内部结构异常" in result["html"] and "另存为" in result["html"], result["html"][-3000:]
    assert not ImportJob.objects.exists()


def test_a_zip_declaring_less_than_its_stream_holds_is_refused(officer, client_for):
    """The directory says the sheet is only its header (with that part's CRC): Python's zipfile
    stops there, the reader's unzip inflates the whole stream and its XFD1048576 cell."""
    import struct
    import zlib

    honest = sheet_xml(HEADER_ROW).encode()
    prefix = honest[: -len(b"</sheetData></worksheet>")]
    data = bytearray(
        workbook_with("worksheets/sheet1.xml", {"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + BOMB_ROWS)})
    )
    name, crc = b"xl/worksheets/sheet1.xml", zlib.crc32(prefix)
    for signature, name_at, crc_at, size_at, head in ((b"PK\x03\x04", 26, 14, 22, 30), (b"PK\x01\x02", 28, 16, 24, 46)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + name_at)[0]
            if data[at + head : at + head + length] == name:
                struct.pack_into("<I", data, at + crc_at, crc)
                struct.pack_into("<I", data, at + size_at, len(prefix))
            at = data.find(signature, at + 4)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.read("xl/worksheets/sheet1.xml") == prefix  # what zipfile alone would have checked
    result = post_in_capped_child(client_for(officer), bytes(data))
    assert "文件内部结构异常" in result["html"] and "sheet1.xml" in result["html"], result["html"][-3000:]
    assert not ImportJob.objects.exists()


def test_row_numbers_are_compared_as_numbers_and_leading_zeros_refused(officer, client_for, db):
    padded = '<row r="0000002"><c r="A0000002"><v>1</v></c></row><row r="999999"><c r="GR999999"><v>1</v></c></row>'
    result = post_in_capped_child(client_for(officer), handmade_xlsx(HEADER_ROW + padded))
    assert "请上传 Excel（.xlsx）文件" in result["html"], result["html"][-3000:]
    # without the padding the same far cell is caught by its row number
    plain = '<row r="2"><c r="A2"><v>1</v></c></row><row r="999999"><c r="GR999999"><v>1</v></c></row>'
    with pytest.raises(ImportFileError, match="999,999"):
        inspect_workbook(io.BytesIO(handmade_xlsx(HEADER_ROW + plain)))
    assert not ImportJob.objects.exists()


def shared_strings(*texts: str) -> str:
    return f'<?xml version="1.0"?><sst xmlns="{MAIN}">' + "".join(f"<si><t>{t}</t></si>" for t in texts) + "</sst>"


def test_one_long_shared_string_referenced_by_many_cells_is_refused(officer, client_for, settings):
    """One 2 MB string in 4,000 cells is 8 GB in the reader."""
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}" t="s"><v>0</v></c>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(2, 402)
    )
    data = handmade_xlsx(HEADER_ROW + cells, extra={"xl/sharedStrings.xml": shared_strings("A" * 2 * 1024 * 1024)})
    result = post_in_capped_child(client_for(officer), data)
    assert "32,767" in result["html"], result["html"][-3000:]
    assert not ImportJob.objects.exists()
    # strings within Excel's limit still add up: each cell that uses one counts its length
    settings.IMPORT_MAX_TEXT_CHARS = 1_000_000
    data = handmade_xlsx(HEADER_ROW + cells, extra={"xl/sharedStrings.xml": shared_strings("A" * 30_000)})
    with pytest.raises(ImportFileError, match="1,000,000"):
        inspect_workbook(io.BytesIO(data))
    settings.IMPORT_MAX_TEXT_CHARS = 200_000_000
    assert inspect_workbook(io.BytesIO(data)).rows == 401
