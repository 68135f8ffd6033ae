"""Approving a year's data from the dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.services.approvals import year_approve
from indicators.views.common import plan_year


@login_required
@permission_required("indicators.add_yearapproval", raise_exception=True)
@require_POST
def approve(request):
    year = plan_year(request)
    try:
        year_approve(user=request.user, year=year)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已批准 %(y)d 年指标数据。") % {"y": year})
    return redirect(f"{reverse('indicators:dashboard')}?year={year}")
