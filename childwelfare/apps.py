from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ChildwelfareConfig(AppConfig):
    name = "childwelfare"
    verbose_name = _("儿童福利")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.events import people_died

        # tasks: registered with the Celery app when Django is ready, as every app's (it was imported
        # only when first sent, and a full test run then found it missing from the current app).
        from . import categories, importers, indicators, tasks  # noqa: F401 (registries, Celery tasks)
        from .services import allowances  # noqa: F401 (the allowance programme in core.payments)
        from .services.children import on_people_died

        people_died.connect(on_people_died, dispatch_uid="childwelfare.people_died")
        post_migrate.connect(_ensure_intervals, sender=self, dispatch_uid="childwelfare.intervals")


def _ensure_intervals(sender, **kwargs):
    from .models import VisitInterval
    from .services.children import DEFAULT_INTERVALS

    for code, days in DEFAULT_INTERVALS.items():
        VisitInterval.objects.get_or_create(code=code, defaults={"days": days})
