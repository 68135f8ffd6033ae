"""Elderly-care benchmark on a seeded database: indicators 2–4 for a year (together), the month's
subsidy list (the payment engine's build of next month), the visit due list, and the registry pages
by township (institutions; assessments, the older-person registry; the subsidy roster) as p50/p95
server time. Tops the data up to city scale first (60 institutions with yearly bed counts, N
assessments, S subsidy recipients) inside a transaction that is rolled back, so the database is left
as it was.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/eldercare.py [assessments] [recipients]"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

INSTITUTIONS = 60


class _Rollback(Exception):
    pass


def top_up(wanted_assessments: int, user) -> None:
    import random

    from stdnum.cn import uscc

    from core.models import Division, Person
    from eldercare.assessment import PART_MAX, assessed_level
    from eldercare.models import Assessment, BedCount, Institution

    townships = list(Division.objects.filter(level="township", in_plan=True).order_by("code"))
    rng = random.Random(42)
    missing = INSTITUTIONS - Institution.objects.count()
    new = []
    for i in range(max(0, missing)):
        body = f"52350583B{i:08d}"
        new.append(
            Institution(name=f"基准测试养老院{i}", credit_code=body + uscc.calc_check_digit(body), ownership="private",
                        township=townships[i % len(townships)], opened_on=datetime.date(2019, 1, 1), status="operating")
        )  # fmt: skip
    Institution.objects.bulk_create(new)
    BedCount.objects.bulk_create(
        [BedCount(institution=inst, as_of=datetime.date(y, 12, 31), total_beds=100, nursing_beds=55 + y - 2020)
         for inst in new for y in range(2020, 2026)]
    )  # fmt: skip
    have = Assessment.objects.count()
    people = list(
        Person.objects.filter(birth_date__lte=datetime.date(1960, 1, 1)).values_list("id", "township_id")[:50000]
    )
    rows = []
    for n in range(max(0, wanted_assessments - have)):
        scores = {p: rng.randint(0, m) for p, m in PART_MAX.items()}
        total = sum(scores.values())
        rows.append(
            Assessment(person_id=people[n % len(people)][0], township_id=people[n % len(people)][1], assessed_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 600),
                       total=total, level=assessed_level(total=total, coma=False, dementia_or_mental_disorder=False,
                       risk_events_30d=0), assessor="基准", created_by=user, **scores)
        )  # fmt: skip
    Assessment.objects.bulk_create(rows, batch_size=5000)


def top_up_subsidies(wanted: int, user) -> None:
    """Standards, and high-age entries for residents aged 80+ (care entries for the assessed) up to
    `wanted` recipients; synthetic 85-year-olds where the registry has too few."""
    from core.models import Division, Person
    from eldercare.models import Assessment, Subsidy, SubsidyStandard
    from eldercare.townships import with_townships

    today = datetime.date.today()
    start = today.replace(day=1)
    for kind, threshold, amount in (("high_age", 80, 100), ("high_age", 90, 200), ("care", 2, 150), ("care", 3, 250),
                                    ("care", 4, 400)):  # fmt: skip
        SubsidyStandard.objects.get_or_create(kind=kind, threshold=threshold, effective_from=datetime.date(2020, 1, 1),
                                              defaults={"amount": amount})  # fmt: skip
    missing = wanted - Subsidy.objects.count()
    if missing <= 0:
        return
    taken = set(Subsidy.objects.values_list("person_id", "kind"))
    eighty = datetime.date(today.year - 81, 1, 1)
    old = [pk for pk in Person.objects.filter(birth_date__lte=eighty, date_of_death__isnull=True,
                                              township__isnull=False).values_list("pk", flat=True)[:missing]
           if (pk, "high_age") not in taken]  # fmt: skip
    entries = [Subsidy(person_id=pk, kind="high_age", starts_on=start, created_by=user) for pk in old]
    assessed = Assessment.objects.filter(level__gte=2, person__date_of_death__isnull=True).values_list(
        "person_id", flat=True
    )
    for pk in set(assessed[: max(0, missing - len(entries))]):
        if (pk, "care") not in taken:
            entries.append(Subsidy(person_id=pk, kind="care", starts_on=start, created_by=user))
    townships = list(Division.objects.filter(level="township", in_plan=True))
    extra = max(0, missing - len(entries))
    people = Person.objects.bulk_create(
        [Person(name=f"基准老人{n}", birth_date=datetime.date(today.year - 85, 1 + n % 12, 1 + n % 28),
                township=townships[n % len(townships)]) for n in range(extra)], batch_size=5000,
    )  # fmt: skip
    entries += [Subsidy(person=p, kind="high_age", starts_on=start, created_by=user) for p in people]
    Subsidy.objects.bulk_create(with_townships(entries), batch_size=5000)


def timed(client, url, n=53):
    from bench.people_lists import percentile

    samples = []
    for i in range(n):
        start = time.perf_counter()
        assert client.get(url).status_code == 200, url
        if i >= 3:
            samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def issue_scale_subsidy_list(recipients: int, staff) -> None:
    """The demo's roster at --scale 500 is larger than the issue's city scale (20,000 recipients):
    time the month's list at that scale too, in a transaction of its own (rolled back) so that the
    full roster's rebuilds do not leave their dead rows in its way: every k-th active entry is kept
    (a mix of the three kinds) and the rest suspended."""
    from django.db import connection, transaction

    from bench.people_lists import percentile
    from core.payments import next_month, payment_batch_build
    from eldercare.models import Subsidy
    from eldercare.services.subsidies import PROGRAM

    active = Subsidy.objects.filter(status=Subsidy.Status.ACTIVE).count()
    if active <= recipients * 1.2:
        return
    step = max(1, round(active / recipients))
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE eldercare_subsidy SET status = 'suspended' WHERE status = 'active' AND id %% %s <> 0",
                    [step],
                )
            samples = []
            for _ in range(7):
                start = time.perf_counter()
                batch = payment_batch_build(program=PROGRAM, month=next_month(datetime.date.today()), user=staff)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"subsidy list for next month at the issue's scale (every {step}th active entry: {batch.line_count:,} "
                  f"lines, {batch.total_amount:,} 元) build (ms): first {samples[0]:.0f} (replaces the demo's draft), "
                  f"then p50 {percentile(samples[1:], 50):.0f}, max {max(samples[1:]):.0f}")  # fmt: skip
            raise _Rollback
    except _Rollback:
        pass


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from bench.people_lists import percentile
    from core.models import User
    from eldercare.indicators import comprehensive_coverage, nursing_bed_share, nursing_beds_per_1000_older
    from eldercare.models import Assessment, BedCount, CommunityFacility, Institution

    settings.DEBUG = False
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    recipients = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    staff = User.objects.get(username="staff")
    officer = User.objects.get(username="officer")
    issue_scale_subsidy_list(recipients, staff)
    try:
        with transaction.atomic():
            top_up(wanted, staff)
            top_up_subsidies(recipients, staff)
            print(
                f"institutions {Institution.objects.count():,}, bed counts {BedCount.objects.count():,}, "
                f"facilities {CommunityFacility.objects.count():,}, assessments {Assessment.objects.count():,}"
            )
            samples = []
            for _ in range(23):
                start = time.perf_counter()
                day = datetime.date(2024, 12, 31)
                nursing_bed_share(2024, day)
                nursing_beds_per_1000_older(2024, day)
                comprehensive_coverage(2024, day)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"indicators 2–4 for 2024 together (ms): p50 {percentile(samples[3:], 50):.1f}, "
                  f"p95 {percentile(samples[3:], 95):.1f}")  # fmt: skip
            from core.payments import next_month, payment_batch_build
            from eldercare.models import Subsidy
            from eldercare.selectors import visit_due_list
            from eldercare.services.subsidies import PROGRAM

            samples = []
            for _ in range(5):
                start = time.perf_counter()
                batch = payment_batch_build(program=PROGRAM, month=next_month(datetime.date.today()), user=staff)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"subsidy list for next month ({Subsidy.objects.count():,} entries, {batch.line_count:,} lines, "
                  f"{batch.total_amount:,} 元) build (ms): p50 {percentile(samples, 50):.0f}, "
                  f"max {max(samples):.0f}")  # fmt: skip
            samples = []
            for _ in range(8):
                start = time.perf_counter()
                rows = visit_due_list(user=staff)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"visit due list city-wide, every row with who they are (the export, {len(rows):,} people) "
                  f"(ms): p50 {percentile(samples[3:], 50):.0f}")  # fmt: skip
            for user, label in ((staff, "staff"), (officer, "officer 洪濑镇")):
                client = Client(SERVER_NAME="localhost")
                client.force_login(user)
                for url in (
                    "/eldercare/institutions/?township=350583113",
                    "/eldercare/assessments/?township=350583113",
                    "/eldercare/coverage/",
                    "/eldercare/subsidies/?township=350583113",
                    "/eldercare/visits/due/?township=350583113",
                    "/eldercare/visits/due/",
                ):
                    p50, p95 = timed(client, url)
                    print(f"{label} {url} (ms): p50 {p50:.1f}, p95 {p95:.1f}")
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
