"""The leaders' dashboard: the 13 indicators of a year, the latest run, the approval and the key
projects."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from indicators.models import Indicator, KeyProject, RecomputeRun
from indicators.selectors import indicator_values, latest_approvals, prefetch_values
from indicators.services.recompute import recompute_runs_expire
from indicators.status import BEHIND, MISSED
from indicators.views.common import PLAN_YEARS, plan_year


@login_required
@permission_required("indicators.view_indicator", raise_exception=True)
def dashboard(request):
    year = plan_year(request)
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
    recompute_runs_expire(RecomputeRun.objects.filter(year=year))
    latest_run = RecomputeRun.objects.filter(year=year).first()
    approval = approvals.get(year)  # the latest: in force, or voided and waiting for a new approval
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
