"""One indicator's page: yearly values, chart, the provider's breakdown and manual values."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.forms import ManualValueForm
from indicators.models import Indicator
from indicators.selectors import indicator_values
from indicators.services.values import manual_value_enter, value_choose


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
