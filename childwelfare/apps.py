from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildwelfareConfig(AppConfig):
    name = "childwelfare"
    verbose_name = _("儿童福利")
    default_auto_field = "django.db.models.BigAutoField"
