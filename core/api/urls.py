from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api import views
from indicators.api import (
    BaseStatisticViewSet,
    IndicatorViewSet,
    KeyProjectViewSet,
    RecomputeViewSet,
    YearApprovalViewSet,
)

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("people", views.PersonViewSet, basename="person")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("indicators/projects", KeyProjectViewSet, basename="keyproject")
router.register("indicators/base-statistics", BaseStatisticViewSet, basename="basestatistic")
router.register("indicators/recompute", RecomputeViewSet, basename="recompute")
router.register("indicators/approvals", YearApprovalViewSet, basename="yearapproval")
router.register("indicators", IndicatorViewSet, basename="indicator")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("assistance/", include("assistance.api_urls")),
    path("funeral/", include("funeral.api_urls")),
    path("", include(router.urls)),
]
