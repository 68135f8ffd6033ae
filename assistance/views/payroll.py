"""Monthly payroll: batches with per-township totals, approval (maker-checker) and the bank file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assistance import selectors
from assistance.forms.payroll import BuildPayrollForm
from assistance.models import Case
from assistance.services.payroll import PROGRAM, payroll_request
from core.forms import apply_errors
from core.jobs import QueueUnavailable
from core.models import PaymentBatch
from core.payments import batch_figures, payable_months, payment_builds_expire
from core.personal import personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import labels, paginate
from core.views.payments import bank_file_response, batch_approve_response

VIEW = "core.view_paymentbatch"


@login_required
@permission_required(VIEW, raise_exception=True)
def batch_list(request):
    form = BuildPayrollForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("core.add_paymentbatch"):
            return HttpResponse(status=403)
        if form.is_valid():
            month = f"{form.cleaned_data['month']:%Y-%m}"
            try:
                payroll_request(month=month, user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            except QueueUnavailable as exc:
                # The batch records the failure (shown in the table below); the clerk may retry later.
                messages.error(request, exc.message)
                status = 503
            else:
                messages.success(request, _("已提交生成 %(m)s 的发放批次，完成后显示在下表。") % {"m": month})
                return redirect("assistance:payroll_list")
    payment_builds_expire(program=PROGRAM)  # a build whose worker died is failed when it is read
    batches = selectors.payroll_batches_seen_by(user=request.user)
    context = {"batches": batches, "form": form, "payable": payable_months(PROGRAM)}
    return render(request, "assistance/payroll_list.html", context, status=status)


def _batch(pk):
    return get_object_or_404(PaymentBatch, pk=pk, program=PROGRAM)


@login_required
@permission_required(VIEW, raise_exception=True)
def batch_detail(request, pk):
    payment_builds_expire(program=PROGRAM)
    batch = _batch(pk)
    lines = selectors.payroll_lines(user=request.user, batch=batch).select_related("payee", "township", "village")
    township = request.GET.get("township", "")
    if township:
        lines = lines.filter(township_id=township)
    page, query = paginate(request, lines.order_by("township_id", "village_id", "id"), late_rows=True)
    pd = personal_data(request.user)
    kinds = labels(Case.Kind.choices)
    rows = [
        {
            "line": line,
            "payee": pd.name(line.payee.name),
            "kind": kinds.get(line.category),
        }
        for line in page
    ]
    totals = list(selectors.payroll_totals(user=request.user, batch=batch))
    header = batch_figures(user=request.user, batch=batch)  # a township officer's are their township's
    return render(
        request,
        "assistance/payroll_detail.html",
        {"batch": batch, "header": header, "totals": totals, "page": page, "rows": rows, "query": query,
         "township": township},
    )  # fmt: skip


@login_required
@permission_required("core.change_paymentbatch", raise_exception=True)
@require_POST
def batch_approve(request, pk):
    return batch_approve_response(
        request,
        _batch(pk),
        back=reverse("assistance:payroll_detail", args=[pk]),
        approved=_("批次已审定，不能再修改。"),
    )


@login_required
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
@permission_required(VIEW, raise_exception=True)
def bank_file_download(request, pk):
    """The bank file of an approved batch: full names, ID numbers and accounts, so the export is logged."""
    batch = _batch(pk)
    return bank_file_response(
        request, batch, selectors.payroll_lines(user=request.user, batch=batch),
        back=reverse("assistance:payroll_detail", args=[pk]), detail=_("银行代发文件 %(m)s，%(n)d 户"),
        category_label=lambda code: str(Case.Kind(code).label), filename=f"assistance-bank-{batch.month:%Y%m}.xlsx",
    )  # fmt: skip
