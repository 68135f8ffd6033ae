from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("社会组织与社会工作")
    default_auto_field = "django.db.models.BigAutoField"
