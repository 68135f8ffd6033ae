"""Spreadsheets out: a plain xlsx workbook from headers and rows (lists that are not registry
resources), and the one download response every export answers with. The row limit and the access
log of an export are core.personal's (EXPORT_MAX_ROWS, PersonalData.log_export).

Every text cell goes through `safe_cell`: a value beginning with = + - @ (or a tab / carriage
return) is written as text, never as a formula (OWASP CSV/formula injection), so a name typed as
=HYPERLINK(...) reaches the spreadsheet as the characters the clerk typed."""

import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def workbook_bytes(sheet: str, headers: list[str], rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(headers)
    for row in rows:
        ws.append([safe_cell(ws, value) for value in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def safe_cell(ws, value):
    """A cell that a spreadsheet shows and never evaluates: openpyxl writes a str starting with "="
    as a formula, so text that would start one is written as a typed text cell instead (the
    characters the clerk typed, unchanged, and inert in Excel and WPS)."""
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        # A control character stored before inputs refused them would make openpyxl refuse the
        # whole export: it is shown as U+FFFD instead.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value
