"""Assistance benchmark on the city-scale database (`seed_demo --scale 500`: 1.5 million people,
~60,000 active cases), issue 3 "Speed":

1. a month's payroll through core.payments.payment_batch_build (goal < 10 s), built twice to show the
   second build replaces the draft's lines instead of adding to them; the entitlements query alone
   and its EXPLAIN ANALYZE, so a slow build says where the time goes. Rolled back afterwards.
2. the township review queue page, GET /assistance/ as the officer of the township with the most
   pending cases (goal p95 < 50 ms server time, Django test client in-process);
3. the case page, GET /assistance/cases/<id>/ for active dibao cases of that township (goal p95 < 50 ms).

If a page does not answer 200 (pages still being written), the selectors behind it are timed instead
and the table says so.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/assistance.py [--repeat 50]"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PAYROLL_GOAL_S = 10
PAGE_GOAL_MS = 50


class _Rollback(Exception):
    pass


def _stats(samples: list[float]) -> dict:
    from bench.people_lists import percentile

    return {"p50_ms": round(percentile(samples, 50), 1), "p95_ms": round(percentile(samples, 95), 1), "n": len(samples)}


def time_page(client, urls: list[str], repeat: int) -> dict | None:
    """p50/p95 of GET over `urls` in turn, after a warm-up; None when a page does not answer 200."""
    try:
        for url in urls[:3]:
            if client.get(url).status_code != 200:
                return None
    except Exception as exc:  # a page still being written: time the selectors instead
        print(f"  page {urls[0]} failed: {exc.__class__.__name__}: {exc}")
        return None
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (urls[i % len(urls)], response.status_code)
    return _stats(samples)


def time_call(func, repeat: int) -> dict:
    for _ in range(3):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return _stats(samples)


def bench_payroll(month, user) -> dict:
    """Build the month's payroll twice inside a transaction that is rolled back."""
    from django.db import connection, transaction
    from django.db.models import Q

    from assistance.models import Case, CaseMember
    from assistance.services import payroll
    from core.models import PaymentLine
    from core.payments import PROGRAMS, payment_batch_build

    out = {"month": f"{month:%Y-%m}"}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            entitlements = list(PROGRAMS[payroll.PROGRAM].entitlements(month))
            out["entitlements_s"] = round(time.perf_counter() - start, 2)
            out["entitlements"] = len(entitlements)
            for run in ("first", "second"):
                start = time.perf_counter()
                batch = payment_batch_build(program=payroll.PROGRAM, month=month, user=user)
                out[f"{run}_build_s"] = round(time.perf_counter() - start, 2)
                out[f"{run}_lines"] = PaymentLine.objects.filter(batch=batch).count()
                out[f"{run}_line_count"] = batch.line_count
                out["total_amount"] = str(batch.total_amount)
                out["people"] = batch.people_count
            # Where the entitlements query spends its time.
            # The same querysets as assistance.services.payroll.entitlements.
            paying = Case.objects.filter(decision__pay_from__lte=month, decision__amount__gt=0).filter(
                Q(kind__in=Case.EXCLUSIVE_KINDS, state=Case.State.ACTIVE)
                | Q(kind__in=Case.EXCLUSIVE_KINDS, state=Case.State.GRADUAL_EXIT, exit_until__gte=month)
            )
            dead = CaseMember.objects.filter(case__in=paying, covered=True, person__date_of_death__lt=month)
            out["explain"] = {}
            for name, qs in (
                ("paying cases", paying.values_list("id", "decision__per_member_amount")),
                ("dead covered members", dead.values_list("case_id", "person_id")),
            ):
                sql, params = qs.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    out["explain"][name] = [row[0] for row in cursor.fetchall()]
            raise _Rollback
    except _Rollback:
        pass
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench needs DATABASE_URL=postgres://... (the city-scale benchmark database)")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from assistance import selectors
    from assistance.models import Case, Decision, Transition
    from core.models import PaymentBatch, User
    from core.roles import Role
    from core.services.users import user_create

    call_command("migrate", verbosity=0)
    settings.DEBUG = False  # no query log in memory while timing
    by_kind = dict(Case.objects.filter(state=Case.State.ACTIVE).values_list("kind").annotate(n=Count("id")))
    active = sum(by_kind.values())
    if not active:
        sys.exit("no active cases: build the data set first (make bench runs seed_demo --scale 500)")
    staff = User.objects.filter(username="bench_staff").first() or user_create(
        username="bench_staff", password="Bench-pass-2025", role=Role.STAFF
    )

    # 1. payroll: this month unless already approved (then the next one)
    month = timezone.localdate().replace(day=1)
    if PaymentBatch.objects.filter(program="assistance", month=month, state=PaymentBatch.State.APPROVED).exists():
        from assistance.services.cases import next_month_start

        month = next_month_start(month)
    payroll = bench_payroll(month, staff)

    # 2 and 3. pages, as the officer of the township with the most pending cases
    township = (
        Case.objects.filter(state__in=Case.PENDING_STATES)
        .values_list("township_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    code, pending = township
    username = f"bench_officer_{code}"
    officer = User.objects.filter(username=username).first() or user_create(
        username=username, password="Bench-pass-2025", role=Role.TOWNSHIP_OFFICER, township_code=code
    )
    case_ids = list(
        Case.objects.filter(township_id=code, state=Case.State.ACTIVE, kind=Case.Kind.DIBAO)
        .annotate(n=Count("decisions"))
        .order_by("-n", "id")
        .values_list("id", flat=True)[:10]
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(officer)
    results = {}
    queue_urls = ["/assistance/", "/assistance/?page=2"] if pending > 50 else ["/assistance/"]
    page = time_page(client, queue_urls, args.repeat)
    results["review queue page GET /assistance/"] = page
    results["review queue selectors (50 rows + badges)"] = time_call(
        lambda: selectors.deadline_badges(list(selectors.review_queue(user=officer)[:50])), args.repeat
    )
    page = time_page(client, [f"/assistance/cases/{pk}/" for pk in case_ids], args.repeat)
    results["case page GET /assistance/cases/<id>/"] = page
    detail = selectors.case_detail_queryset(user=officer)
    results["case detail selector (get + prefetches)"] = time_call(
        lambda: [detail.get(pk=pk) for pk in case_ids[:1]], args.repeat
    )

    summary = {
        "active_cases": by_kind,
        "decisions": Decision.objects.count(),
        "transitions": Transition.objects.count(),
        "township": code,
        "township_pending": pending,
        "payroll": payroll,
        "timings": results,
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "assistance.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str))

    print(f"active cases: {active:,} ({', '.join(f'{k} {n:,}' for k, n in sorted(by_kind.items()))}); "
          f"decisions {summary['decisions']:,}; transitions {summary['transitions']:,}")  # fmt: skip
    print(f"\npayroll {payroll['month']} (goal < {PAYROLL_GOAL_S} s; rolled back afterwards)")
    print(
        f"  entitlements alone          {payroll['entitlements_s']:>7.2f} s  {payroll['entitlements']:,} entitlements"
    )
    for run in ("first", "second"):
        seconds = payroll[f"{run}_build_s"]
        verdict = "ok" if seconds < PAYROLL_GOAL_S else "SLOW"
        print(f"  {run + ' build':<27} {seconds:>7.2f} s  {payroll[f'{run}_lines']:,} lines in the batch "
              f"(line_count {payroll[f'{run}_line_count']:,})  {verdict}")  # fmt: skip
    print(f"  total {payroll['total_amount']} 元 for {payroll['people']:,} people")
    print(f"\npages as the officer of {code} ({pending:,} pending cases), {args.repeat} requests each")
    print(f"  {'what':<46} {'p50 ms':>8} {'p95 ms':>8}  goal p95 < {PAGE_GOAL_MS} ms")
    for name, r in results.items():
        if r is None:
            print(f"  {name:<46} {'—':>8} {'—':>8}  page not ready: see the selector row")
            continue
        verdict = "ok" if r["p95_ms"] < PAGE_GOAL_MS else "SLOW"
        print(f"  {name:<46} {r['p50_ms']:>8} {r['p95_ms']:>8}  {verdict}")
    print("\nEXPLAIN ANALYZE of the entitlements queries (first lines):")
    for name, plan in payroll["explain"].items():
        print(f"  {name}:")
        for line in plan[:12]:
            print(f"    {line}")
    print(f"\nresults in {out / 'assistance.json'}")


if __name__ == "__main__":
    main()
