"""基本生活保障金: the standards and visit intervals the bureau sets, and the monthly allowance lists
of the shared payment engine (build on the worker, approve by a second person, bank file)."""

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

from childwelfare import selectors
from childwelfare.forms import IntervalForm, MonthForm, RiskFollowUpForm, StandardForm
from childwelfare.models import AllowanceStandard
from childwelfare.models.children import CategoryCode
from childwelfare.services.allowances import PROGRAM, allowance_request, entitlements, standard_add
from childwelfare.services.children import visit_intervals
from childwelfare.services.guardianship import risk_follow_up_days, risk_follow_up_days_set
from childwelfare.services.visits import visit_interval_set
from core.forms import apply_errors
from core.jobs import QueueUnavailable
from core.models import Division, PaymentBatch, Person
from core.payments import batch_figures, next_month, payable_months, payment_builds_expire
from core.personal import personal_data
from core.roles import EXPORT_PERSONAL_DATA
from core.views.common import labels, paginate
from core.views.payments import bank_file_response, batch_approve_response


@login_required
@permission_required("childwelfare.view_allowancestandard", raise_exception=True)
def settings_page(request):
    form = StandardForm(request.POST if "amount" in request.POST else None)
    interval_form = IntervalForm(request.POST if "days" in request.POST else None)
    follow_up_form = RiskFollowUpForm(request.POST if "follow_up_days" in request.POST else None)
    if request.method == "POST":
        if "amount" in request.POST:
            if not request.user.has_perm("childwelfare.add_allowancestandard"):
                return HttpResponse(status=403)
            if form.is_valid():
                try:
                    standard_add(user=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("已录入标准。"))
                    return redirect("childwelfare:settings")
        elif "days" in request.POST:
            if not request.user.has_perm("childwelfare.change_visitinterval"):
                return HttpResponse(status=403)
            if interval_form.is_valid():
                try:
                    visit_interval_set(user=request.user, **interval_form.cleaned_data)
                except ValidationError as exc:
                    apply_errors(interval_form, exc)
                else:
                    messages.success(request, _("已保存走访间隔，各档案的下次走访期限已更新。"))
                    return redirect("childwelfare:settings")
        elif "follow_up_days" in request.POST:
            if not request.user.has_perm("childwelfare.change_riskfollowup"):
                return HttpResponse(status=403)
            if follow_up_form.is_valid():
                try:
                    risk_follow_up_days_set(user=request.user, days=follow_up_form.cleaned_data["follow_up_days"])
                except ValidationError as exc:
                    apply_errors(follow_up_form, ValidationError({"follow_up_days": exc.messages}))
                else:
                    messages.success(request, _("已保存高风险跟进期限。"))
                    return redirect("childwelfare:settings")
    intervals = visit_intervals()
    context = {
        "standards": AllowanceStandard.objects.order_by("kind", "-effective_from"),
        "form": form,
        "interval_form": interval_form,
        "follow_up_form": follow_up_form,
        "follow_up_days": risk_follow_up_days(),
        "intervals": [(CategoryCode(code).label, days) for code, days in intervals.items()],
    }
    return render(request, "childwelfare/settings.html", context)


@login_required
@permission_required("core.view_paymentbatch", raise_exception=True)
def allowance_list(request):
    form = MonthForm(request.POST or None, initial={"month": f"{next_month(timezone.localdate()):%Y-%m}"})
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("core.add_paymentbatch"):
            return HttpResponse(status=403)
        if form.is_valid():
            month = form.cleaned_data["month"]
            try:
                allowance_request(month=month, user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            except QueueUnavailable as exc:
                messages.error(request, exc.message)
                status = 503
            else:
                messages.success(request, _("已提交生成 %(m)s 的发放名单，完成后显示在下表。") % {"m": month})
                return redirect("childwelfare:allowance_list")
    payment_builds_expire(program=PROGRAM)
    # The coming month's list as it stands now (before any batch is built): who would be paid.
    upcoming = next_month(timezone.localdate())
    preview_township = None if request.user.is_city_level else request.user.township_id
    preview = [e for e in entitlements(upcoming) if preview_township is None or e.township_id == preview_township]
    people = {p.pk: p for p in Person.objects.filter(pk__in=[e.payee_id for e in preview[:200]])}
    townships = dict(Division.objects.filter(level=Division.Level.TOWNSHIP).values_list("code", "name"))
    pd = personal_data(request.user)
    names = labels(CategoryCode.choices)
    preview_rows = [
        {"name": pd.name(people[e.payee_id].name), "township": townships.get(e.township_id, ""),
         "category": names.get(e.category, e.category), "amount": e.amount, "child": e.source_id}
        for e in preview[:200]
    ]  # fmt: skip
    context = {
        "batches": selectors.allowance_batches(user=request.user),
        "form": form,
        "payable": payable_months(PROGRAM),
        "upcoming": upcoming,
        "preview_rows": preview_rows,
        "preview_count": len(preview),
        "preview_total": sum((e.amount for e in preview), Decimal("0")),
    }
    return render(request, "childwelfare/allowance_list.html", context, status=status)


def _batch(pk):
    return get_object_or_404(PaymentBatch, pk=pk, program=PROGRAM)


@login_required
@permission_required("core.view_paymentbatch", raise_exception=True)
def allowance_detail(request, pk):
    payment_builds_expire(program=PROGRAM)
    batch = _batch(pk)
    lines = selectors.allowance_lines(user=request.user, batch=batch, township=request.GET.get("township") or None)
    page, query = paginate(request, lines, late_rows=True)
    pd = personal_data(request.user)
    names = labels(CategoryCode.choices)
    rows = [
        {"line": line, "payee": pd.name(line.payee.name), "category": names.get(line.category, line.category)}
        for line in page
    ]
    header = batch_figures(user=request.user, batch=batch)
    return render(
        request,
        "childwelfare/allowance_detail.html",
        {"batch": batch, "page": page, "rows": rows, "query": query, "header": header},
    )


@login_required
@permission_required("core.change_paymentbatch", raise_exception=True)
@require_POST
def allowance_approve(request, pk):
    return batch_approve_response(
        request, _batch(pk), back=reverse("childwelfare:allowance_detail", args=[pk]),
        approved=_("发放名单已审定，不能再修改。"),
    )  # fmt: skip


@login_required
@permission_required(EXPORT_PERSONAL_DATA, raise_exception=True)
@permission_required("core.view_paymentbatch", raise_exception=True)
def allowance_bank_file(request, pk):
    batch = _batch(pk)
    names = labels(CategoryCode.choices)
    return bank_file_response(
        request, batch, selectors.allowance_lines(user=request.user, batch=batch),
        back=reverse("childwelfare:allowance_detail", args=[pk]),
        detail=_("儿童基本生活保障金银行代发文件 %(m)s，%(n)d 人"),
        category_label=lambda code: names.get(code, code), filename=f"childwelfare-bank-{batch.month:%Y%m}.xlsx",
    )  # fmt: skip
