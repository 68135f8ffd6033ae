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
        # With the plan's own base figures (migration 0004 wrote them once; a flush empties them).
        from indicators.models import BaseStatistic

        BaseStatistic.objects.get_or_create(
            year=2020,
            township=None,
            defaults={
                "resident_population": 1517514,
                "population_60_plus": round(1517514 * 0.1426),
                "source": "第七次全国人口普查常住人口；60岁及以上占14.26%（规划第一章）",
            },
        )


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
