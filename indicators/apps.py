from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("规划指标")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import importers, providers  # noqa: F401 (registers the base statistics importer)

        providers.base_figures_source = _city_base_figures

        # The plan's tables are reference data like the divisions: put back after a flush.
        post_migrate.connect(_ensure_plan_tables, sender=self, dispatch_uid="indicators.plan_tables")


def _ensure_plan_tables(sender, **kwargs):
    from django.apps import apps

    from indicators.models import Indicator
    from indicators.plan_data import load

    if not Indicator.objects.exists():
        load(apps)


def _city_base_figures(year: int):
    from indicators.models import BaseStatistic
    from indicators.providers import BaseFigures

    row = BaseStatistic.objects.filter(year=year, township__isnull=True).first()
    if row is None:
        return None
    return BaseFigures(
        year=year, resident_population=row.resident_population, population_60_plus=row.population_60_plus,
        households=row.households, source=row.source,
    )  # fmt: skip
