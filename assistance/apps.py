from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("社会救助")
    default_auto_field = "django.db.models.BigAutoField"
