"""Indicators benchmark on the city-scale database: recompute of all 13 for one year (the
providers registered at the time) and the leaders' dashboard p50/p95 server time.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/indicators_dashboard.py"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from bench.people_lists import percentile
    from core.models import User
    from core.roles import Role
    from core.services.users import user_create
    from indicators.models import RecomputeRun
    from indicators.providers import PROVIDERS
    from indicators.services.recompute import recompute_run

    call_command("migrate", verbosity=0)
    settings.DEBUG = False
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        recompute_run(RecomputeRun.objects.create(year=2025, as_of=datetime.date(2025, 12, 31)))
        runs.append((time.perf_counter() - start) * 1000)
    leader = User.objects.filter(username="bench_leader").first() or user_create(
        username="bench_leader", password="Bench-pass-2025", role=Role.LEADER
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(leader)
    samples = []
    for i in range(103):
        start = time.perf_counter()
        assert client.get("/indicators/", {"year": 2021 + i % 5}).status_code == 200
        if i >= 3:
            samples.append((time.perf_counter() - start) * 1000)
    print(f"providers registered: {sorted(PROVIDERS) or 'none'}")
    print(f"recompute all 13 (ms): median {percentile(runs, 50):.1f}, max {max(runs):.1f}")
    print(f"dashboard (ms): p50 {percentile(samples, 50):.1f}, p95 {percentile(samples, 95):.1f}")


if __name__ == "__main__":
    main()
