from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api import views

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("people", views.PersonViewSet, basename="person")
router.register("households", views.HouseholdViewSet, basename="household")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
