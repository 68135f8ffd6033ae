from django.utils import timezone

from core.exports import workbook_bytes, xlsx_response
from core.personal import EXPORT_MAX_ROWS, personal_data


def export_rows(request, *, headers, rows, filename: str, object_type: str = "", object_ids=(), personal=False):
    """Every eldercare export: core's workbook (safe_cell for every text cell); an export that names
    people goes to the access log."""
    if personal:
        personal_data(request.user).log_export(
            request=request, object_type=object_type, object_ids=list(object_ids), rows=len(rows)
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content = workbook_bytes(filename, [str(h) for h in headers], rows)
    return xlsx_response(content, f"{filename}-{stamp}.xlsx")


def too_many(rows) -> bool:
    return len(rows) > EXPORT_MAX_ROWS


def yes_no(flag: bool) -> str:
    from django.utils.translation import gettext as _

    return _("是") if flag else _("否")
