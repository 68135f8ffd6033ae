from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import BootstrapMixin
from indicators.models import Indicator, KeyProject, RecomputeRun, YearApproval
from indicators.selectors import indicator_values, latest_approvals, prefetch_values
from indicators.services import manual_value_enter, recompute_request, value_choose, year_approve
from indicators.status import BEHIND, MISSED

PLAN_YEARS = range(2021, 2026)


def _year(request) -> int:
    default = min(timezone.localdate().year, 2025)
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    return year if year in PLAN_YEARS else default


@login_required
@permission_required("indicators.view_indicator", raise_exception=True)
def dashboard(request):
    year = _year(request)
    tiles = []
    approvals, prefetched = latest_approvals(), prefetch_values()
    for indicator in Indicator.objects.prefetch_related("targets"):
        rows = {
            r["year"]: r
            for r in indicator_values(indicator, approvals=approvals, prefetched=prefetched, with_detail=False)
        }
        row, previous = rows[year], rows.get(year - 1)
        trend = None
        if row["actual"] is not None and previous and previous["actual"] is not None:
            trend = (
                "up" if row["actual"] > previous["actual"] else "down" if row["actual"] < previous["actual"] else "flat"
            )
        tiles.append({"indicator": indicator, "row": row, "trend": trend})
    # Binding indicators first, and among them the ones that miss or fall behind.
    tiles.sort(
        key=lambda t: (
            t["indicator"].attribute != Indicator.Attribute.BINDING,
            t["row"]["status"] not in {MISSED, BEHIND},
            t["indicator"].no,
        )
    )
    latest_run = RecomputeRun.objects.filter(year=year).first()
    approval = YearApproval.objects.filter(year=year).select_related("approved_by").first()
    return render(
        request,
        "indicators/dashboard.html",
        {
            "tiles": tiles,
            "year": year,
            "years": PLAN_YEARS,
            "latest_run": latest_run,
            "approval": approval,
            "projects": KeyProject.objects.all(),
        },
    )


@login_required
@permission_required("indicators.view_indicator", raise_exception=True)
def indicator_detail(request, no):
    indicator = get_object_or_404(Indicator.objects.prefetch_related("targets"), no=no)
    rows = indicator_values(indicator)
    chart = {
        "years": [str(r["year"]) for r in rows],
        "targets": [None if r["target"] is None else float(r["target"]) for r in rows],
        "actuals": [None if r["actual"] is None else float(r["actual"]) for r in rows],
        "unit": indicator.unit,
        "labels": {"target": _("目标值"), "actual": _("实际值")},
    }
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "rows": rows,
            "chart": chart,
            "manual_form": ManualValueForm(),
            "breakdown": _breakdown(rows),
        },
    )


def _breakdown(rows) -> dict | None:
    """The latest year's provenance detail from the owning app's provider: a breakdown by category,
    per-township figures, covered and uncovered townships, and the drill-down link."""
    from core.models import Division

    row = next((r for r in reversed(rows) if r["detail"]), None)
    if row is None:
        return None
    detail = row["detail"]
    names = dict(Division.objects.filter(level=Division.Level.TOWNSHIP).values_list("code", "name"))
    by_township = [
        {"code": code, "name": names.get(code, code), **values}
        for code, values in sorted((detail.get("by_township") or {}).items())
    ]
    return {
        "year": row["year"],
        "items": detail.get("breakdown") or [],
        "by_township": by_township,
        "covered": [names.get(c, c) for c in detail.get("covered") or []],
        "uncovered": [names.get(c, c) for c in detail.get("uncovered") or []],
        "link": detail.get("link") if str(detail.get("link", "")).startswith("/") else "",
    }


class ManualValueForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("年份"), choices=[(y, y) for y in range(2020, 2026)], coerce=int)
    value = forms.DecimalField(label=gettext_lazy("数值"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=gettext_lazy("数据来源"), max_length=200)
    reason = forms.CharField(label=gettext_lazy("录入原因"), max_length=300)
    use_it = forms.BooleanField(label=gettext_lazy("采用此人工值（记录在案）"), required=False)


@login_required
@permission_required("indicators.add_manualvalue", raise_exception=True)
@require_POST
def manual_value(request, no):
    indicator = get_object_or_404(Indicator, no=no)
    form = ManualValueForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            manual_value_enter(
                user=request.user, indicator=indicator, year=data["year"], value=data["value"],
                source=data["source"], reason=data["reason"],
            )  # fmt: skip
            if data["use_it"]:
                value_choose(
                    user=request.user, indicator=indicator, year=data["year"], source="manual", reason=data["reason"]
                )
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("已录入人工值。"))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("indicators:detail", no=no)


@login_required
@permission_required("indicators.add_recomputerun", raise_exception=True)
@require_POST
def recompute(request):
    year = _year(request)
    try:
        _run, created = recompute_request(user=request.user, year=year)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.info(
            request,
            _("已开始重新计算 %(y)d 年指标。") % {"y": year}
            if created
            else _("%(y)d 年指标正在计算中。") % {"y": year},
        )
    return redirect(f"{reverse('indicators:dashboard')}?year={year}")


@login_required
@permission_required("indicators.view_indicator", raise_exception=True)
def run_status(request, pk):
    run = get_object_or_404(RecomputeRun, pk=pk)
    return render(request, "indicators/_run_status.html", {"latest_run": run})


@login_required
@permission_required("indicators.view_indicator", raise_exception=True)
def report(request, year, fmt):
    from indicators.reports import report_pdf, report_xlsx

    year = int(year)
    if year not in PLAN_YEARS:
        raise Http404
    if fmt == "pdf":
        response = HttpResponse(report_pdf(year), content_type="application/pdf")
    else:
        response = HttpResponse(
            report_xlsx(year), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f"attachment; filename=nanan-plan-evaluation-{year}.{fmt}"
    return response


@login_required
@permission_required("indicators.add_yearapproval", raise_exception=True)
@require_POST
def approve(request):
    year = _year(request)
    try:
        year_approve(user=request.user, year=year)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已批准 %(y)d 年指标数据。") % {"y": year})
    return redirect(f"{reverse('indicators:dashboard')}?year={year}")
