from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("规划指标")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import importers  # noqa: F401 (registers the base statistics importer)

        # The plan's tables are reference data like the divisions: put back after a flush.
        post_migrate.connect(_ensure_plan_tables, sender=self, dispatch_uid="indicators.plan_tables")


def _ensure_plan_tables(sender, **kwargs):
    from django.apps import apps

    from indicators.models import Indicator
    from indicators.plan_data import load

    if not Indicator.objects.exists():
        load(apps)
