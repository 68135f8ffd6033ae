"""The base import engine every registry uses: read a spreadsheet, validate every row through the
app's services, and save all rows in one transaction or none of them.

An importer names its columns (Chinese headers) and supplies two functions: `validate(rows)`
returns the rows ready to save and the errors (row number, column, reason); `save(prepared)`
writes them. Every bad row is reported; one bad row saves nothing.
"""

import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from core.models import ImportJob

REASON_HEADER = "错误原因"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    help: str = ""
    text: bool = False  # formatted as text in the template (ID numbers lose digits as numbers)


@dataclass
class RowError:
    row: int  # the spreadsheet's row number; the header is row 1
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int
    values: dict  # key -> cleaned cell text (or None)
    raw: list = field(default_factory=list)


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, wrong headers, too large)."""


@dataclass
class Importer:
    kind: str
    label: str
    columns: list[Column]
    permission: str
    validate: Callable  # (rows, *, user, progress) -> (prepared, errors)
    save: Callable  # (prepared, *, user) -> int created
    example: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    REGISTRY[importer.kind] = importer
    return importer


def cell_text(value) -> str | None:
    """A cell as the text a clerk typed. Excel turns long digit strings into numbers: give them
    back as digits (an 18-digit ID typed as a number has already lost its last digits, and the
    ID check then says so)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(str(value)), "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def read_rows(fileobj, importer: Importer) -> list[Row]:
    """Read the first sheet; the first row must hold the importer's headers (any order)."""
    try:
        fileobj.seek(0)
        workbook = CalamineWorkbook.from_filelike(fileobj)
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for a file that is not xlsx
        raise ImportFileError(_("无法读取文件：请上传 Excel（.xlsx）文件。")) from exc
    if not data:
        raise ImportFileError(_("文件是空的。"))
    headers = [cell_text(h) or "" for h in data[0]]
    by_header = {c.header: c for c in importer.columns}
    missing = [c.header for c in importer.columns if c.required and c.header not in headers]
    if missing:
        raise ImportFileError(_("缺少必填列：%(cols)s。请下载模板，按模板的列名填写。") % {"cols": "、".join(missing)})
    positions = [(i, by_header[h]) for i, h in enumerate(headers) if h in by_header]
    rows = []
    for offset, raw in enumerate(data[1:], start=2):
        if all(cell_text(v) is None for v in raw):
            continue
        values = {col.key: cell_text(raw[i]) if i < len(raw) else None for i, col in positions}
        rows.append(Row(offset, values, [cell_text(v) for v in raw]))
    return rows


def validation_messages(exc: ValidationError, columns_by_key: dict[str, Column]) -> list[tuple[str, str]]:
    """(column header, message) pairs from a service's ValidationError."""
    out = []
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            col = columns_by_key.get(key)
            header = col.header if col else ("" if key == "__all__" else key)
            out.extend((header, m) for m in messages)
    else:
        out.extend(("", m) for m in exc.messages)
    return out


def import_job_run(job: ImportJob) -> ImportJob:
    """Validate every row, then save all or nothing. Safe to call again for a finished job."""
    if job.is_finished:
        return job
    importer = REGISTRY[job.kind]
    user = job.created_by
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    job.state = ImportJob.State.RUNNING
    try:
        with job.file.open("rb") as fh:
            rows = read_rows(io.BytesIO(fh.read()), importer)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
        job.total_rows = len(rows)

        def progress(done: int):
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

        prepared, errors = importer.validate(rows, user=user, progress=progress)
        if not rows:
            errors = [RowError(2, "", _("文件中没有数据行。"))]
        if errors:
            errors.sort(key=lambda e: (e.row, e.column))
            job.state = ImportJob.State.REJECTED
            job.errors = [e.as_dict() for e in errors]
            bad_rows = len({e.row for e in errors})
            job.message = _("%(bad)d 行有错误，全部 %(total)d 行均未导入。请下载错误行，改正后重新上传。") % {
                "bad": bad_rows,
                "total": len(rows),
            }
        else:
            with transaction.atomic():
                created = importer.save(prepared, user=user)
            job.state = ImportJob.State.DONE
            job.created_rows = created
            job.message = _("已导入 %(n)d 行。") % {"n": created}
        job.processed_rows = len(rows)
    except ImportFileError as exc:
        job.state = ImportJob.State.REJECTED
        job.message = str(exc)
    except Exception as exc:
        job.state = ImportJob.State.FAILED
        job.message = _("导入失败：%(e)s") % {"e": exc}
        raise
    finally:
        job.finished_at = timezone.now()
        job.save(
            update_fields=["state", "errors", "message", "created_rows", "processed_rows", "total_rows", "finished_at"]
        )
    return job


def count_data_rows(fileobj) -> int:
    """A cheap count of rows for choosing between the request and the background."""
    try:
        fileobj.seek(0)
        sheet = CalamineWorkbook.from_filelike(fileobj).get_sheet_by_index(0)
        return max(0, sheet.height - 1)
    except Exception:
        return 0
    finally:
        fileobj.seek(0)


def check_upload_size(upload) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFileError(
            _("文件过大（%(size).1f MB），上限为 %(limit).1f MB：请拆分后分批上传。")
            % {"size": upload.size / 1048576, "limit": limit / 1048576}
        )


def _styled_sheet(ws, headers: list[str], text_columns: Iterable[int] = ()):
    ws.append(headers)
    for i, _h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(headers[i - 1]) * 2 + 4)
    for i in text_columns:
        for row in range(2, 2001):
            ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"


def template_workbook(importer: Importer) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = importer.label[:31]
    text_cols = [i for i, c in enumerate(importer.columns, start=1) if c.text]
    _styled_sheet(ws, importer.headers, text_cols)
    for row in importer.example:
        ws.append(row)
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "必填", "说明"])
    for c in importer.columns:
        notes.append([c.header, "是" if c.required else "", c.help])
    for line in importer.notes:
        notes.append(["", "", line])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bad_rows_workbook(job: ImportJob) -> bytes:
    """The rejected rows as they were uploaded, with a reason column, to fix and upload again."""
    importer = REGISTRY[job.kind]
    with job.file.open("rb") as fh:
        fh_bytes = io.BytesIO(fh.read())
    sheet = CalamineWorkbook.from_filelike(fh_bytes).get_sheet_by_index(0).to_python(skip_empty_area=False)
    headers = [cell_text(h) or "" for h in sheet[0]]
    reasons: dict[int, list[str]] = {}
    for e in job.errors:
        reasons.setdefault(e["row"], []).append(f"{e['column']}：{e['message']}" if e["column"] else e["message"])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = importer.label[:31]
    text_cols = [i for i, h in enumerate(headers, start=1) if h in {c.header for c in importer.columns if c.text}]
    _styled_sheet(ws, [*headers, REASON_HEADER], ())
    for row_number in sorted(reasons):
        raw = sheet[row_number - 1] if row_number - 1 < len(sheet) else []
        values = [cell_text(v) for v in raw] + [None] * (len(headers) - len(raw))
        ws.append([*values[: len(headers)], "；".join(reasons[row_number])])
    for i in text_cols:
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=i).number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
