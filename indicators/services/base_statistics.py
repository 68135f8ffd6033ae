"""Base statistics (population, 60+, households) per year, city-wide or per township."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Division
from indicators.models import BaseStatistic

FIELDS = ("resident_population", "population_60_plus", "households", "source")


@transaction.atomic
def base_statistic_save(*, user, year: int, township: Division | None = None, **values) -> BaseStatistic:
    """Create or update the figures of one year (city-wide when township is None)."""
    errors: dict[str, list[str]] = {}
    if not 2015 <= year <= 2035:
        errors["year"] = [_("年份应在2015–2035之间。")]
    if township is not None and township.level != Division.Level.TOWNSHIP:
        errors["township"] = [_("请选择乡镇（街道）。")]
    population, older = values.get("resident_population"), values.get("population_60_plus")
    if population is not None and older is not None and older > population:
        errors["population_60_plus"] = [_("60岁及以上人口不能多于常住人口。")]
    if errors:
        raise ValidationError(errors)
    stat = BaseStatistic.objects.select_for_update().filter(year=year, township=township).order_by("pk").first()
    stat = stat or BaseStatistic(year=year, township=township)
    for field in FIELDS:
        if field in values:
            setattr(stat, field, values[field])
    stat.updated_by = user
    stat.full_clean(validate_unique=False, validate_constraints=False)
    stat.save()
    return stat
