from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FuneralConfig(AppConfig):
    name = "funeral"
    verbose_name = _("殡葬服务")
    default_auto_field = "django.db.models.BigAutoField"
