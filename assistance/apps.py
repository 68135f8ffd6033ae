from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("社会救助")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.events import people_died

        from . import categories, importers, indicators  # noqa: F401 (registries)
        from .services import payroll  # noqa: F401 (the payment-list programme)
        from .services.cases import on_people_died

        people_died.connect(on_people_died, dispatch_uid="assistance.people_died")
        post_migrate.connect(_ensure_standards, sender=self, dispatch_uid="assistance.standards")


def _ensure_standards(sender, **kwargs):
    from .services.standards import ensure_plan_standards

    ensure_plan_standards()
