"""Status of an indicator in a year. Every Table 2 indicator is "higher is better" (rates,
coverage, counts, standards that rise to 2025).

- A past year: met, or missed, against that year's target.
- The current year: met when already at this year's target; otherwise on track when the linear
  trend of the actuals (2020 base included) reaches the 2025 target, else behind.
"""

from decimal import Decimal

MET, ON_TRACK, BEHIND, MISSED = "met", "on_track", "behind", "missed"
FINAL_YEAR = 2025


def linear_projection(points: dict[int, Decimal], year: int = FINAL_YEAR) -> Decimal | None:
    """Least-squares line through (year, value) points, evaluated at `year`."""
    if len(points) < 2:
        return None
    xs, ys = list(points), [Decimal(v) for v in points.values()]
    n = Decimal(len(xs))
    mean_x = sum(Decimal(x) for x in xs) / n
    mean_y = sum(ys) / n
    sxx = sum((Decimal(x) - mean_x) ** 2 for x in xs)
    sxy = sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return (mean_y + slope * (Decimal(year) - mean_x)).quantize(Decimal("0.01"))


def status_for(
    *, year: int, current_year: int, actual: Decimal | None, target: Decimal | None,
    history: dict[int, Decimal], final_target: Decimal | None,
) -> str | None:  # fmt: skip
    if actual is None or (target is None and final_target is None):
        return None
    if year < current_year:
        return None if target is None else (MET if actual >= target else MISSED)
    if target is not None and actual >= target:
        return MET
    projected = linear_projection({**history, year: actual})
    if projected is not None and final_target is not None:
        return ON_TRACK if projected >= final_target else BEHIND
    return None if target is None else BEHIND
