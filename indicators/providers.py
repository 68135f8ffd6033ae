"""The provider registry. Each app that owns a Table 2 indicator registers one function per
indicator in its AppConfig.ready():

    from indicators.providers import register

    @register(9)
    def vagrant_return_rate(year: int, as_of: date) -> Actual: ...

A provider computes one year's actual with SQL aggregates (at year end, or as of today for the
current year) and returns the value with its numerator, denominator and a provenance note.
`indicators` never reaches into another app's tables; the apps never import indicators' views."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Actual:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""
    #: e.g. {"covered": [...township codes], "uncovered": [...]} for coverage indicators
    detail: dict = field(default_factory=dict)


class NoData(Exception):
    """The provider's records for that year are missing: the indicator needs a manual value."""


Provider = Callable[[int, date], Actual]
PROVIDERS: dict[int, Provider] = {}


def register(no: int):
    def wrap(func: Provider) -> Provider:
        if no in PROVIDERS and PROVIDERS[no] is not func:
            raise RuntimeError(f"indicator {no} already has a provider: {PROVIDERS[no].__module__}")
        PROVIDERS[no] = func
        return func

    return wrap


@dataclass(frozen=True)
class BaseFigures:
    """The city-wide base statistics of a year that per-capita indicators divide by."""

    year: int
    resident_population: int | None
    population_60_plus: int | None
    households: int | None
    source: str


#: Reads a year's city-wide base statistics as BaseFigures (or None when none were entered): set by
#: the indicators app when it is ready (indicators.apps), so this registry imports no model and the
#: apps that use it reach nothing else of indicators.
base_figures_source: Callable[[int], "BaseFigures | None"] | None = None


def base_figures(year: int, field_name: str) -> BaseFigures:
    """The city-wide base statistics for `year` (entered by the bureau on the indicators app's base
    statistics page). Raises NoData naming the missing figure, so the provider's indicator asks for
    the figure instead of dividing by nothing."""
    figures = base_figures_source(year) if base_figures_source else None
    if figures is None or not getattr(figures, field_name):
        label = BASE_FIGURE_LABELS.get(field_name, field_name)
        raise NoData(f"{year}年的全市基础统计数据缺少“{label}”，请在基础统计数据中填报。")
    return figures


BASE_FIGURE_LABELS = {"resident_population": "常住人口", "population_60_plus": "60岁及以上人口", "households": "户数"}


def ratio(numerator, denominator, scale: int = 100, places: str = "0.01") -> Decimal | None:
    """numerator / denominator × scale, rounded half up; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
