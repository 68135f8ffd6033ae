"""Recompute jobs started from the dashboard, and the status fragment it polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import RecomputeRun
from indicators.services.recompute import recompute_request, recompute_runs_expire
from indicators.views.common import plan_year


@login_required
@permission_required("indicators.add_recomputerun", raise_exception=True)
@require_POST
def recompute(request):
    """Queue the year's recompute (503 through core.jobs when the job queue is down)."""
    year = plan_year(request)
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
    recompute_runs_expire(RecomputeRun.objects.filter(pk=pk))  # a run whose worker died says so
    run = get_object_or_404(RecomputeRun, pk=pk)
    return render(request, "indicators/_run_status.html", {"latest_run": run})
