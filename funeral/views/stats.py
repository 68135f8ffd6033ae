"""Waiver totals by month and township; the eco-burial share by month (the drill-down of indicator 7)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from funeral import selectors
from funeral.forms import YearForm
from funeral.views.common import export_rows

MONTHS = list(range(1, 13))


def _year(request, years):
    form = YearForm(request.GET or None, user=request.user)
    default = years[0] if years else timezone.localdate().year
    year = form.year_or(default)
    township = None
    if form.is_bound and form.is_valid() and form.cleaned_data["township"]:
        township = form.cleaned_data["township"].code
    return form, year, township


@login_required
@permission_required("funeral.view_waiver", raise_exception=True)
def waiver_totals(request):
    years = selectors.waiver_years(user=request.user)
    form, year, _township = _year(request, years)
    totals = selectors.waiver_totals(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        headers = [_("乡镇（街道）"), *[_("%(m)d月") % {"m": m} for m in MONTHS], _("减免人数"), _("减免金额（元）")]
        rows = [[t["name"], *t["months"], t["count"], t["amount"]] for t in totals["townships"]]
        rows.append([_("合计"), *totals["month_amount"], totals["count"], totals["amount"]])
        return export_rows(
            request, headers=headers, rows=rows, object_type="funeral_waiver_totals", object_ids=[],
            filename=f"funeral-waivers-{year}", personal=False,
        )  # fmt: skip
    return render(
        request,
        "funeral/waiver_totals.html",
        {"form": form, "year": year, "years": years, "totals": totals, "months": MONTHS},
    )


@login_required
@permission_required("funeral.view_placement", raise_exception=True)
def eco_share(request):
    years = selectors.placement_years(user=request.user)
    form, year, township = _year(request, years)
    data = selectors.eco_share(user=request.user, year=year, township=township)
    chart = {
        "months": [_("%(m)d月") % {"m": m["month"]} for m in data["months"]],
        "eco": [m["eco"] for m in data["months"]],
        "other": [m["total"] - m["eco"] for m in data["months"]],
        "share": [float(m["share"]) if m["share"] is not None else None for m in data["months"]],
        "labels": {"eco": _("节地生态安葬"), "other": _("其他安葬"), "share": _("节地生态安葬率（%）")},
        "unit": _("例"),
    }
    return render(
        request,
        "funeral/eco_share.html",
        {"form": form, "year": year, "years": years, "township": township, "data": data, "chart": chart},
    )
