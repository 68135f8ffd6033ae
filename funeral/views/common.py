import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from core.identifiers import mask_id_number, mask_name, mask_phone
from core.models import AccessLog
from core.roles import VIEW_FULL_ID
from core.services.access import access_log_record
from core.views.people import xlsx_response

EXPORT_MAX_ROWS = 100_000


class Masker:
    """Personal data in full for roles with core.view_full_id_number, masked for the others (leaders)."""

    def __init__(self, user):
        self.full = user.has_perm(VIEW_FULL_ID)

    def id_number(self, value):
        return (value or "") if self.full else mask_id_number(value)

    def phone(self, value):
        return (value or "") if self.full else mask_phone(value)

    def name(self, value):
        return (value or "") if self.full else mask_name(value)

    def deceased_name(self, record):
        """An identity-unknown record's provisional description is not personal data: never masked."""
        if self.full or record.identity_unknown:
            return record.deceased_name
        return mask_name(record.deceased_name)

    def birth(self, value):
        """The full birth date would reveal the 8 digits the ID-number mask hides: year only."""
        if not value:
            return ""
        return value if self.full else str(value.year)


def export_rows(request, *, headers, rows, object_type: str, object_ids, filename: str, personal: bool, full: bool):
    dataset = tablib.Dataset(*rows, headers=headers)
    if personal:
        access_log_record(
            user=request.user, action=AccessLog.Action.EXPORT, object_type=object_type, object_ids=object_ids,
            detail=(_("导出 %(n)d 行（完整身份证号）") if full else _("导出 %(n)d 行（身份证号已脱敏）")) % {"n": len(rows)},
            request=request,
        )  # fmt: skip
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(dataset.export("xlsx"), f"{filename}-{stamp}.xlsx")
