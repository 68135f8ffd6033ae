from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from core.forms import LoginForm
from core.views.home import healthz, home

admin.site.site_header = "南安市民政综合业务平台"
admin.site.site_title = "南安市民政"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("core.urls")),
    path("indicators/", include("indicators.urls")),
    path("assistance/", include("assistance.urls")),
    path("funeral/", include("funeral.urls")),
    path("orgs/", include("orgs.urls")),
    path("childwelfare/", include("childwelfare.urls")),
    path("eldercare/", include("eldercare.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
# Uploaded spreadsheets (MEDIA_ROOT) hold personal data and are never served as files.
