from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("社会组织与社会工作")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.events import people_died

        from . import importers, indicators  # noqa: F401 (register the registry import and indicators 5, 10, 11, 12)
        from .services.workers import social_workers_leave_on_death

        people_died.connect(social_workers_leave_on_death, dispatch_uid="orgs.social_workers_leave_on_death")
