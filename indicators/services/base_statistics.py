"""Base statistics (population, 60+, households) per year, city-wide or per township."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import FieldErrors
from core.limits import check_text, check_year
from core.models import Division
from indicators.models import BaseStatistic

FIELDS = ("resident_population", "population_60_plus", "households", "source")
#: The years base statistics are kept for: the previous plan's base (2015) to ten years past this plan.
FIRST_YEAR, LAST_YEAR = 2015, 2035


@transaction.atomic
def base_statistic_save(*, user, year: int, township: Division | None = None, **values) -> BaseStatistic:
    """Create or update the figures of one year (city-wide when township is None)."""
    errors = FieldErrors()
    check_year(errors, "year", year, earliest=FIRST_YEAR, latest=LAST_YEAR)
    if township is not None and township.level != Division.Level.TOWNSHIP:
        errors.add("township", _("请选择乡镇（街道）。"))
    if "source" in values:
        check_text(errors, "source", values["source"], max_length=BaseStatistic._meta.get_field("source").max_length)
    errors.raise_if_any()
    stat = BaseStatistic.objects.select_for_update().filter(year=year, township=township).order_by("pk").first()
    stat = stat or BaseStatistic(year=year, township=township)
    for field in FIELDS:
        if field in values:
            setattr(stat, field, values[field])
    # Compared as saved: a new resident population below the 60+ figure already on file is refused
    # as the same field error, not left to the database constraint.
    population, older = stat.resident_population, stat.population_60_plus
    if population is not None and older is not None and older > population:
        errors.add("population_60_plus", _("60岁及以上人口不能多于常住人口。"))
        errors.raise_if_any()
    stat.updated_by = user
    stat.full_clean(validate_unique=False, validate_constraints=False)
    stat.save()
    return stat
