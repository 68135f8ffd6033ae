from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldercareConfig(AppConfig):
    name = "eldercare"
    verbose_name = _("养老服务")
    default_auto_field = "django.db.models.BigAutoField"
