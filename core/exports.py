"""Spreadsheets out: a plain xlsx workbook from headers and rows (lists that are not registry
resources), and the one download response every export answers with. The row limit and the access
log of an export are core.personal's (EXPORT_MAX_ROWS, PersonalData.log_export)."""

import io

from django.http import HttpResponse
from openpyxl import Workbook

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
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
