"""The year's evaluation report as PDF or Excel."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse

from indicators.views.common import PLAN_YEARS


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
