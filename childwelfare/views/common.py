from django.utils import timezone

from core.exports import workbook_bytes, xlsx_response
from core.personal import EXPORT_MAX_ROWS, personal_data


def export_rows(request, *, headers, rows, object_type: str, object_ids, filename: str, personal: bool):
    """Every child welfare export: core's workbook (text cells never become formulas), logged when
    it carries personal data."""
    if personal:
        personal_data(request.user).log_export(
            request=request, object_type=object_type, object_ids=object_ids, rows=len(rows)
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content = workbook_bytes(filename, [str(h) for h in headers], rows)
    return xlsx_response(content, f"{filename}-{stamp}.xlsx")


def capped(qs):
    """At most EXPORT_MAX_ROWS + 1 rows: one more than allowed tells the caller to refuse."""
    rows = list(qs[: EXPORT_MAX_ROWS + 1])
    return rows, len(rows) > EXPORT_MAX_ROWS
