from django.urls import path, re_path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="recompute"),
    path("approve/", views.approve, name="approve"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
    path("<int:no>/", views.indicator_detail, name="detail"),
    path("<int:no>/manual/", views.manual_value, name="manual_value"),
    re_path(r"^reports/(?P<year>\d{4})\.(?P<fmt>pdf|xlsx)$", views.report, name="report"),
]
