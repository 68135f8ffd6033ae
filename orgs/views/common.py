"""What the orgs pages share: the export of a list, and the form filters."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import workbook_bytes, xlsx_response
from core.personal import EXPORT_MAX_ROWS, personal_data


def export_rows(request, *, queryset, headers, row, filename: str, back: str, personal_ids=None):
    """Every orgs export: core's workbook (text cells never become formulas), capped at the export
    limit; an export carrying people's data goes to the access log."""
    records = list(queryset[: EXPORT_MAX_ROWS + 1])
    if len(records) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect(back)
    if personal_ids is not None:
        personal_data(request.user).log_export(
            request=request, object_type=personal_ids[0], object_ids=[personal_ids[1](r) for r in records],
            rows=len(records),
        )  # fmt: skip
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    content = workbook_bytes(filename, [str(h) for h in headers], [row(r) for r in records])
    return xlsx_response(content, f"{filename}-{stamp}.xlsx")


def filters(form) -> dict:
    """A bound filter form's values, without the empty ones; nothing when it is not valid."""
    if not form.is_bound or not form.is_valid():
        return {}
    out = {}
    for key, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        out[key] = value.code if hasattr(value, "code") else value
    return out
