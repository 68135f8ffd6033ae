"""Demo data for the leaders' dashboard: the 2020 census base (real: 1,517,514 residents, 14.26% aged
60+, as the plan gives them), demo estimates for 2021–2025 marked as such, and one recompute per
year so the dashboard shows what the other apps' demo records compute to on the first run."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from indicators.models import BaseStatistic, RecomputeRun

CENSUS_2020 = 1_517_514
SHARE_60_2020 = 0.1426
#: The recompute reads every app's demo records, so it runs after all of them (core.discovery).
RUNS_LAST = True
DEMO_SOURCE = "演示数据（2021年起为估算，请以统计部门公布数为准）"


def seed(*, scale: float, log) -> None:
    from core.models import User

    staff = User.objects.filter(username="staff").first()
    added = 0
    today = timezone.localdate()
    for year in range(2020, today.year + 1):  # to the current year, as every app's demo records
        population = round(CENSUS_2020 * (1 + 0.004 * (year - 2020)))
        older = round(population * (SHARE_60_2020 + 0.004 * (year - 2020)))
        households = round(population / 3.1)
        _obj, created = BaseStatistic.objects.get_or_create(
            year=year,
            township=None,
            defaults={
                "resident_population": population,
                "population_60_plus": older,
                "households": households,
                "source": "第七次全国人口普查；户数为演示估算" if year == 2020 else DEMO_SOURCE,
                "updated_by": staff,
            },
        )
        added += created
    runs = 0
    if not RecomputeRun.objects.exists():
        from indicators.services.recompute import recompute_run

        for year in range(2021, min(today.year, 2025) + 1):
            as_of = min(date(year, 12, 31), today)
            with transaction.atomic():
                run = RecomputeRun.objects.create(year=year, as_of=as_of, requested_by=staff)
            recompute_run(run)
            runs += 1
    log(f"  indicators: {added} base statistics rows, {runs} recompute runs")
