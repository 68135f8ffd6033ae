"""Child welfare benchmark on a seeded database (issue 11's figures): the registry page filtered by
township and category (server time p50/p95, as bureau staff and as a township officer), the
children API filtered the same way, indicator 6, and the month's allowance list (the programme's
entitlements, and a whole build through the payment engine, rolled back).

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/childwelfare.py
(the demo data: `seed_demo --scale 500` holds about 6,000 children on file)."""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class _Rollback(Exception):
    pass


def _timed(client, url, n=53):
    from bench.people_lists import percentile

    samples = []
    for i in range(n):
        start = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if i >= 3:
            samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from bench.people_lists import percentile
    from childwelfare.indicators import minor_protection_station_coverage
    from childwelfare.models import Child
    from childwelfare.services.allowances import PROGRAM, entitlements
    from core.models import User
    from core.payments import next_month, payment_batch_build

    settings.DEBUG = False
    today = datetime.date.today()
    print(
        f"children on file: {Child.objects.count():,} (open {Child.objects.filter(closed_on__isnull=True).count():,})"
    )
    results = {}
    # A Honglai (the officer's township) file with carers and assessments: the file page's cost.
    sample = (
        Child.objects.filter(township_id="350583113", closed_on__isnull=True, assessments__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    for username in ("staff", "officer"):
        client = Client(SERVER_NAME="localhost")
        client.force_login(User.objects.get(username=username))
        for label, url in (
            # The layout alone (top bar, menus of every app, a 26-township table): what any page costs here.
            ("layout baseline (stations)", "/childwelfare/stations/"),
            ("registry", "/childwelfare/children/"),
            ("registry township+category", "/childwelfare/children/?township=350583113&category=left_behind"),
            ("registry overdue", "/childwelfare/children/?overdue=on"),
            ("registry high risk", "/childwelfare/children/?risk=high"),
            ("registry no carer", "/childwelfare/children/?no_carer=on"),
            ("registry risk not followed", "/childwelfare/children/?risk_overdue=on"),
            ("child file", f"/childwelfare/children/{sample}/"),
            ("assessments", "/childwelfare/assessments/?township=350583113"),
            ("api township+category", "/api/v1/childwelfare/children/?township=350583113&category=left_behind"),
        ):
            p50, p95 = _timed(client, url)
            results[(username, label)] = p95
            print(f"{username:8} {label:30} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    samples = []
    for _ in range(23):
        start = time.perf_counter()
        minor_protection_station_coverage(2025, datetime.date(2025, 12, 31))
        samples.append((time.perf_counter() - start) * 1000)
    print(f"indicator 6: p50 {percentile(samples[3:], 50):.1f} ms  p95 {percentile(samples[3:], 95):.1f} ms")
    month = next_month(today)
    start = time.perf_counter()
    lines = list(entitlements(month))
    print(
        f"allowance entitlements {month:%Y-%m}: {len(lines):,} lines in {(time.perf_counter() - start) * 1000:.0f} ms"
    )
    staff = User.objects.get(username="staff")
    start = time.perf_counter()
    try:
        with transaction.atomic():
            batch = payment_batch_build(program=PROGRAM, month=month, user=staff)
            built = time.perf_counter() - start
            print(
                f"allowance list build {month:%Y-%m}: {batch.line_count:,} lines, {batch.total_amount} 元 in {built * 1000:.0f} ms"
            )
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
