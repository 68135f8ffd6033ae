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


def ratio(numerator, denominator, scale: int = 100, places: str = "0.01") -> Decimal | None:
    """numerator / denominator × scale, rounded half up; None when the denominator is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
