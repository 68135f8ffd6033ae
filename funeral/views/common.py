from django.utils import timezone

from core.exports import workbook_bytes, xlsx_response
from core.personal import PersonalData, personal_data


def deceased_name(pd: PersonalData, record) -> str:
    """An identity-unknown record's provisional description is not personal data: never masked."""
    return record.deceased_name if record.identity_unknown else pd.name(record.deceased_name)


def export_rows(request, *, headers, rows, object_type: str, object_ids, filename: str, personal: bool):
    """Every funeral export: core's workbook, whose text cells never become formulas (safe_cell)."""
    if personal:
        personal_data(request.user).log_export(
            request=request, object_type=object_type, object_ids=object_ids, rows=len(rows)
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content = workbook_bytes(filename, [str(h) for h in headers], rows)
    return xlsx_response(content, f"{filename}-{stamp}.xlsx")
