"""The two actions every monthly payment list's page offers, whichever app's programme it is
(assistance payroll, child allowances, elder subsidies): approve it (maker-checker, in
core.payments) and download the bank file, which carries full names, ID numbers and accounts, so
the download is logged and only an approved list has one."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.exports import xlsx_response
from core.models import AccessLog, PaymentBatch
from core.payments import bank_file, payment_batch_approve
from core.services.access import access_log_record


def batch_approve_response(request, batch: PaymentBatch, *, back: str, approved: str):
    """Approve `batch` as the signed-in user and go `back` to its page, saying `approved` or why not."""
    try:
        payment_batch_approve(batch=batch, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, approved)
    return redirect(back)


def bank_file_response(request, batch: PaymentBatch, lines, *, back: str, detail: str, category_label, filename: str):
    """The approved batch's bank file, logged with `detail` (formatted with the month `m` and the
    line count `n`); a batch not yet approved goes `back` to its page with the reason."""
    if not batch.is_frozen:
        messages.error(request, _("名单审定后才能下载银行代发文件。"))
        return redirect(back)
    access_log_record(
        user=request.user, action=AccessLog.Action.EXPORT, object_type="core.paymentbatch", object_ids=[batch.pk],
        detail=detail % {"m": f"{batch.month:%Y-%m}", "n": lines.count()}, request=request,
    )  # fmt: skip
    return xlsx_response(bank_file(batch, lines, category_label=category_label), filename)
