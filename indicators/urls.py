from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
    path("<int:no>/", views.indicator_detail, name="detail"),
]
