from django.urls import path, re_path

from indicators.views import approvals, dashboard, detail, jobs, reports

app_name = "indicators"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("recompute/", jobs.recompute, name="recompute"),
    path("approve/", approvals.approve, name="approve"),
    path("runs/<int:pk>/", jobs.run_status, name="run_status"),
    path("<int:no>/", detail.indicator_detail, name="detail"),
    path("<int:no>/manual/", detail.manual_value, name="manual_value"),
    re_path(r"^reports/(?P<year>\d{4})\.(?P<fmt>pdf|xlsx)$", reports.report, name="report"),
]
