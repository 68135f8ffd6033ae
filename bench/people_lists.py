"""City-scale benchmark: build 1.5 million people in 500,000 households (`seed_demo --scale 500`)
on PostgreSQL, then time the people and household list pages and the people API in-process
(server time: URL routing, middleware, queries, template/serializer; no network).

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/people_lists.py --scale 500
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    db = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or 5432
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    conn.close()


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def timed(client, url, params_list, repeat):
    for params in params_list[:3]:  # warm-up
        client.get(url, params)
    samples = []
    for i in range(repeat):
        params = params_list[i % len(params_list)]
        start = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return {"p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1), "n": repeat}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=500)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench needs DATABASE_URL=postgres://... (a dedicated benchmark database)")
    ensure_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from core.models import Household, Person, User
    from core.roles import Role
    from core.services.users import user_create

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_demo", scale=args.scale, verbosity=0)
    build_s = time.perf_counter() - start
    settings.DEBUG = False  # no query log in memory while timing
    people, households = Person.objects.count(), Household.objects.count()

    def user(username, role, township=None):
        return User.objects.filter(username=username).first() or user_create(
            username=username, password="Bench-pass-2025", role=role, township_code=township
        )

    staff = user("bench_staff", Role.STAFF)
    officer = user("bench_officer", Role.TOWNSHIP_OFFICER, "350583113")
    leader = user("bench_leader", Role.LEADER)
    townships = ["350583113", "350583119", "350583001", "350583201", "350583106"]
    by_township = [{"township": t, "page": p} for t in townships for p in (1, 2, 5)]

    results = {}
    for label, who in [("staff", staff), ("officer", officer), ("leader", leader)]:
        client = Client(SERVER_NAME="localhost")
        client.force_login(who)
        params = [{"page": p} for p in (1, 2, 5)] if who is officer else by_township
        results[f"people page ({label}, by township)"] = timed(client, "/core/people/", params, args.repeat)
        results[f"people API ({label}, ?township=)"] = timed(client, "/api/v1/people/", params, args.repeat)
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff)
    results["households page (staff, by township)"] = timed(client, "/core/households/", by_township, args.repeat)
    results["people page (staff, name prefix 陈志)"] = timed(
        client, "/core/people/", [{"q": "陈志"}, {"q": "林秀", "township": "350583113"}], args.repeat
    )
    results["people page (staff, ID prefix)"] = timed(
        client, "/core/people/", [{"q": "3505831998"}, {"q": "352423195"}], args.repeat
    )
    results["people page (staff, whole city)"] = timed(client, "/core/people/", [{}, {"page": 3}], args.repeat)
    person = Person.objects.filter(township_id="350583113").order_by("-id").first()
    results["person detail (staff)"] = timed(client, f"/core/people/{person.pk}/", [{}], args.repeat)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "scale": args.scale,
        "people": people,
        "households": households,
        "build_seconds": round(build_s, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "timings": results,
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "people_lists.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    print(
        f"{people:,} people in {households:,} households; build {build_s:.1f} s (0 if already built); peak RSS {peak_mb:.0f} MB"
    )
    print(f"{'what':<44} {'p50 ms':>8} {'p95 ms':>8}")
    for name, r in results.items():
        print(f"{name:<44} {r['p50_ms']:>8} {r['p95_ms']:>8}")
    print(statistics.fmean([r["p95_ms"] for r in results.values()]) and f"results in {out / 'people_lists.json'}")


if __name__ == "__main__":
    main()
