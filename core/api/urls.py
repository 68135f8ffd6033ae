"""The kernel's own API resources. The project's router (config/api_urls.py) mounts them."""

from rest_framework.routers import DefaultRouter

from core.api import views

router = DefaultRouter()
router.register("divisions", views.DivisionViewSet, basename="division")
router.register("people", views.PersonViewSet, basename="person")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("import-jobs", views.ImportJobViewSet, basename="import-job")
