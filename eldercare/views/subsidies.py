"""养老服务补贴: the roster (filters, export, enrol from the person page, end, suspend), the bureau's
standards, and the monthly lists of the shared payment engine (build on the worker, approve by a
second person, bank file)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.categories import CATEGORIES
from core.forms import apply_errors
from core.identifiers import mask_id_number
from core.jobs import QueueUnavailable
from core.jurisdiction import get_for_user_or_404
from core.models import PaymentBatch
from core.payments import next_month, payable_months, payment_builds_expire
from core.personal import EXPORT_MAX_ROWS, personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import paginate
from core.views.payments import bank_file_response, batch_approve_response
from eldercare import selectors
from eldercare.forms import BuildMonthForm, SubsidyEndForm, SubsidyFilterForm, SubsidyStandardForm
from eldercare.models import Subsidy, SubsidyKind
from eldercare.services.subsidies import PROGRAM, standard_add, subsidy_end, subsidy_list_request, subsidy_suspend
from eldercare.views.common import export_rows

KIND_LABELS = dict(SubsidyKind.choices)


def _filtered(request):
    form = SubsidyFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return form, selectors.subsidy_list(user=request.user).none()
    return form, selectors.subsidy_list(user=request.user, **(form.filters() if form.is_bound else {}))


@login_required
@permission_required("eldercare.view_subsidy", raise_exception=True)
def subsidy_list(request):
    form, qs = _filtered(request)
    page, query = paginate(request, qs)
    pd = personal_data(request.user)
    rows = [{"s": s, "name": pd.name(s.person.name), "id_number": mask_id_number(s.person.id_number)} for s in page]
    return render(request, "eldercare/subsidy_list.html", {"form": form, "page": page, "rows": rows, "query": query})


@login_required
@permission_required("eldercare.view_subsidy", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def subsidy_export(request):
    _form, qs = _filtered(request)
    subsidies = list(qs[: EXPORT_MAX_ROWS + 1])
    if len(subsidies) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:subsidy_list")
    pd = personal_data(request.user).for_export()
    headers = [
        _("姓名"), _("身份证号"), _("乡镇（街道）"), _("村（社区）"), _("补贴类别"), _("起始月份"), _("状态"),
        _("终止日期"), _("终止原因"), _("银行账号"), _("备注"),
    ]  # fmt: skip
    rows = [
        [
            pd.name(s.person.name),
            pd.id_number(s.person.id_number),
            s.person.township.name if s.person.township else "",
            s.person.village.name if s.person.village else "",
            s.get_kind_display(),
            f"{s.starts_on:%Y-%m}",
            s.get_status_display(),
            s.ended_on,
            s.end_reason,
            pd.bank_account(s.bank_account),
            s.note,
        ]
        for s in subsidies
    ]
    return export_rows(
        request, headers=headers, rows=rows, filename="eldercare-subsidies", object_type="person",
        object_ids=sorted({s.person_id for s in subsidies}), personal=True,
    )  # fmt: skip


@login_required
@permission_required("eldercare.change_subsidy", raise_exception=True)
@require_POST
def subsidy_action(request, pk, action):
    """End, suspend or resume a roster entry (from the older person's page)."""
    subsidy = get_for_user_or_404(Subsidy.objects, request.user, pk=pk)
    try:
        if action == "end":
            form = SubsidyEndForm(request.POST)
            if not form.is_valid():
                raise ValidationError(dict(form.errors))
            subsidy_end(user=request.user, subsidy=subsidy, **form.cleaned_data)
            messages.success(request, _("已终止%(k)s，之后的月份不再发放。") % {"k": subsidy.get_kind_display()})
        else:
            subsidy_suspend(user=request.user, subsidy=subsidy, suspend=action == "suspend")
            messages.success(request, _("已保存。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("eldercare:person", pk=subsidy.person_id)


@login_required
@permission_required("eldercare.view_subsidystandard", raise_exception=True)
def standard_list(request):
    form = SubsidyStandardForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("eldercare.add_subsidystandard"):
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                standard_add(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已录入标准。"))
                return redirect("eldercare:subsidy_standards")
    return render(
        request,
        "eldercare/subsidy_standards.html",
        {"standards": selectors.subsidy_standards(), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required("eldercare.view_subsidystandard", raise_exception=True)
def standard_export(request):
    headers = [_("补贴类别"), _("档次"), _("标准（元/人/月）"), _("执行日期"), _("依据或说明")]
    rows = [
        [s.get_kind_display(), s.band_label, s.amount, s.effective_from, s.note] for s in selectors.subsidy_standards()
    ]
    return export_rows(request, headers=headers, rows=rows, filename="eldercare-subsidy-standards")


@login_required
@permission_required("core.view_paymentbatch", raise_exception=True)
def batch_list(request):
    form = BuildMonthForm(request.POST or None, initial={"month": f"{next_month(timezone.localdate()):%Y-%m}"})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("core.add_paymentbatch"):
            return HttpResponse(status=403)
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                subsidy_list_request(month=month, user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            except QueueUnavailable as exc:
                messages.error(request, exc.message)
                status = 503
            else:
                messages.success(request, _("已提交生成 %(m)s 的补贴发放名单，完成后显示在下表。") % {"m": month})
                return redirect("eldercare:subsidy_batches")
        if form.errors:
            status = 400
    payment_builds_expire(program=PROGRAM)
    context = {
        "batches": selectors.subsidy_batches(user=request.user),
        "form": form,
        "payable": payable_months(PROGRAM),
    }
    return render(request, "eldercare/subsidy_batches.html", context, status=status)


def _batch(pk):
    return get_object_or_404(PaymentBatch, pk=pk, program=PROGRAM)


@login_required
@permission_required("core.view_paymentbatch", raise_exception=True)
def batch_detail(request, pk):
    payment_builds_expire(program=PROGRAM)
    batch = _batch(pk)
    kind = request.GET.get("kind", "")
    lines = selectors.subsidy_lines(user=request.user, batch=batch, township=request.GET.get("township"), kind=kind)
    page, query = paginate(request, lines, late_rows=True)
    pd = personal_data(request.user)
    rows = [{"line": line, "payee": pd.name(line.payee.name), "kind": KIND_LABELS.get(line.category)} for line in page]
    totals = list(selectors.subsidy_totals(user=request.user, batch=batch))
    for t in totals:
        t["kind"] = KIND_LABELS.get(t["category"], t["category"])
    header = {
        "people": sum(t["people"] for t in totals),
        "amount": sum((t["amount"] or Decimal("0") for t in totals), Decimal("0")),
    }
    return render(
        request,
        "eldercare/subsidy_batch.html",
        {"batch": batch, "rows": rows, "page": page, "query": query, "totals": totals, "header": header,
         "kinds": SubsidyKind.choices, "kind": kind},
    )  # fmt: skip


@login_required
@permission_required("core.change_paymentbatch", raise_exception=True)
@require_POST
def batch_approve(request, pk):
    return batch_approve_response(
        request, _batch(pk), back=reverse("eldercare:subsidy_batch", args=[pk]),
        approved=_("发放名单已审定，不能再修改。"),
    )  # fmt: skip


@login_required
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
@permission_required("core.view_paymentbatch", raise_exception=True)
def batch_bank_file(request, pk):
    batch = _batch(pk)
    return bank_file_response(
        request, batch, selectors.subsidy_lines(user=request.user, batch=batch),
        back=reverse("eldercare:subsidy_batch", args=[pk]), detail=_("养老服务补贴银行代发文件 %(m)s，%(n)d 人"),
        category_label=lambda code: str(KIND_LABELS.get(code, code)), filename=f"eldercare-bank-{batch.month:%Y%m}.xlsx",
    )  # fmt: skip


@login_required
@permission_required("core.view_paymentbatch", raise_exception=True)
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
def batch_export(request, pk):
    """The month's lines as the page lists them (the viewer's jurisdiction, the page's filters),
    a draft included so it can be checked before approval; names and ID numbers by the export policy,
    the export logged. The bank file (accounts in full) stays the approved batch's."""
    batch = _batch(pk)
    lines = list(
        selectors.subsidy_lines(
            user=request.user, batch=batch, township=request.GET.get("township"), kind=request.GET.get("kind", "")
        )[: EXPORT_MAX_ROWS + 1]
    )
    if len(lines) > EXPORT_MAX_ROWS:
        messages.error(request, _("导出结果超过 %(n)d 行，请先缩小范围。") % {"n": EXPORT_MAX_ROWS})
        return redirect("eldercare:subsidy_batch", pk=pk)
    pd = personal_data(request.user).for_export()
    headers = [
        _("姓名"), _("身份证号"), _("乡镇（街道）"), _("村（社区）"), _("补贴类别"), _("金额（元）"), _("计发依据"),
    ]  # fmt: skip
    rows = [
        [
            pd.name(line.payee.name),
            pd.id_number(line.payee.id_number),
            line.township.name,
            line.village.name if line.village_id else "",
            str(KIND_LABELS.get(line.category, line.category)),
            line.amount,
            _basis_text(line.basis),
        ]
        for line in lines
    ]
    return export_rows(
        request, headers=headers, rows=rows, filename=f"eldercare-subsidy-list-{batch.month:%Y%m}",
        object_type="person", object_ids=sorted({line.payee_id for line in lines}), personal=True,
    )  # fmt: skip


def _basis_text(basis: dict) -> str:
    """What the amount was computed from (the line's frozen basis), in words."""
    parts = []
    if "band" in basis:
        parts.append(_("%(a)s 周岁（%(b)s 周岁档）") % {"a": basis.get("age"), "b": basis["band"]})
    if "level" in basis:
        parts.append(_("能力等级 %(l)s") % {"l": basis["level"]})
    if basis.get("categories"):
        parts.append("、".join(str(CATEGORIES[c].label) if c in CATEGORIES else c for c in basis["categories"]))
    if basis.get("effective_from"):
        parts.append(_("%(d)s 起执行的标准") % {"d": basis["effective_from"]})
    return "；".join(parts)
