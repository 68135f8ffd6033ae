"""What the indicators pages share: the plan's years and the year a request asks for."""

from django.utils import timezone

PLAN_YEARS = range(2021, 2026)


def plan_year(request) -> int:
    default = min(timezone.localdate().year, 2025)
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        year = default
    return year if year in PLAN_YEARS else default
