"""The project's API (/api/v1/): the kernel's resources at the root, one include per app.
Adding an app's API is one line here; each app keeps its viewsets and router in `<app>/api/`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api import urls as core_api
from core.api.views import TokenView

# The browsable root lists the kernel's resources; the apps' own routers have no root view.
router = DefaultRouter()
router.registry.extend(core_api.router.registry)

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("indicators/", include("indicators.api.urls")),
    path("assistance/", include("assistance.api.urls")),
    path("funeral/", include("funeral.api.urls")),
    path("orgs/", include("orgs.api.urls")),
    path("childwelfare/", include("childwelfare.api.urls")),
    path("eldercare/", include("eldercare.api.urls")),
    path("", include(router.urls)),
]
