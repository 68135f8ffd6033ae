"""A plain xlsx workbook from headers and rows (lists that are not registry resources)."""

import io

from openpyxl import Workbook


def workbook_bytes(sheet: str, headers: list[str], rows) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
