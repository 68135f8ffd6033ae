"""Funeral ledger import benchmark (issue 14): the funeral home's monthly ledger of N deaths through
the importer's validate and save (core's engine calls the same two), each timed with its queries,
then rolled back, so the database is left as it was.

The ledger is built from the database: living people with no death record, many of them in what a
death reaches (members of open assistance cases, elder care subsidy and visit programme entries,
open child files, social workers, severely disabled people), a few deceased not in the registry and
a few of unknown identity; most with a placement (ash halls, a cemetery, sea burial), waivers for
those eligible on their date of death. Every row is good: the save is the whole file's.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/imports_ledger.py [rows ...]
(several row counts, e.g. 10 200 1000, are run one after another: the queries must not grow)"""

import datetime
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class _Rollback(Exception):
    pass


def _living(qs, taken: set, limit: int, field: str = "person_id") -> list[int]:
    """Up to `limit` ids of living people with no death record from `qs`, not already taken."""
    out = []
    for pid in qs.filter(**{f"{field.removesuffix('_id')}__date_of_death__isnull": True}).values_list(field, flat=True)[
        : limit * 3
    ]:
        if pid not in taken and len(out) < limit:
            taken.add(pid)
            out.append(pid)
    return out


def pick_people(rows: int) -> tuple[list[int], dict[str, int]]:
    """Living people for `rows` rows: a share from each programme a death reaches, then anyone."""
    from assistance.models import Case, CaseMember
    from childwelfare.models import Child
    from core.models import Person
    from eldercare.models import Subsidy, VisitTarget
    from funeral.models import DeathRecord
    from orgs.models import SocialWorker

    recorded = DeathRecord.objects.filter(person__isnull=False).values_list("person_id", flat=True)
    taken: set[int] = set()
    shares = {
        "assistance case members": (
            CaseMember.objects.filter(case__state__in=Case.OPEN_STATES).exclude(person_id__in=recorded).order_by("id"),
            0.25,
        ),
        "elder subsidies": (
            Subsidy.objects.exclude(status=Subsidy.Status.ENDED).exclude(person_id__in=recorded).order_by("id"),
            0.15,
        ),
        "open child files": (Child.objects.filter(closed_on__isnull=True).exclude(person_id__in=recorded), 0.03),
        "visit programme": (
            VisitTarget.objects.filter(ended_on__isnull=True).exclude(person_id__in=recorded).order_by("id"),
            0.05,
        ),
        "social workers": (
            SocialWorker.objects.filter(left_on__isnull=True, person__isnull=False).exclude(person_id__in=recorded),
            0.02,
        ),
        "severely disabled": (
            Person.objects.filter(disability_grade__in=(1, 2)).exclude(pk__in=recorded).order_by("id"),
            0.05,
        ),
    }
    picked, counts = [], {}
    for label, (qs, share) in shares.items():
        field = "pk" if qs.model is Person else "person_id"
        if field == "pk":
            ids = [
                pid
                for pid in qs.filter(date_of_death__isnull=True).values_list("pk", flat=True)[: int(rows * share) * 3]
                if pid not in taken
            ][: int(rows * share)]
            taken.update(ids)
        else:
            ids = _living(qs, taken, int(rows * share))
        picked += ids
        counts[label] = len(ids)
    rest = rows - len(picked)
    middle = Person.objects.order_by("-id").values_list("pk", flat=True).first() // 2  # not the oldest only
    others = []
    for pid in (
        Person.objects.filter(date_of_death__isnull=True, id_number__isnull=False, pk__gte=middle)
        .exclude(pk__in=recorded)
        .order_by("id")
        .values_list("pk", flat=True)[: rest * 2]
    ):
        if pid not in taken and len(others) < rest:
            taken.add(pid)
            others.append(pid)
    counts["anyone"] = len(others)
    return picked + others, counts


def ledger_sheet(rows: int) -> tuple[bytes, dict]:
    import openpyxl

    from core.categories import CATEGORIES
    from core.demo.people import Seeder
    from core.models import Person
    from funeral.importers import COLUMNS
    from funeral.models import Facility, WaiverEligibleCategory

    today = datetime.date.today()
    unknown = max(1, rows // 100)
    new = max(1, rows // 50)
    ids, counts = pick_people(rows - unknown - new)
    people = Person.objects.select_related("township").in_bulk(ids)
    halls = list(
        Facility.objects.filter(kind=Facility.Kind.ASH_HALL, status=Facility.Status.OPERATING)
        .order_by("-niche_capacity")
        .values_list("name", "niche_capacity", "niches_used")[:3]
    )
    cemetery = (
        Facility.objects.filter(kind=Facility.Kind.PUBLIC_CEMETERY, status=Facility.Status.OPERATING)
        .order_by("-grave_capacity")
        .values_list("name", flat=True)
        .first()
    )
    died_on = {}
    for i, pid in enumerate(ids):
        day = today - datetime.timedelta(days=3 + i % 28)
        birth = people[pid].birth_date
        died_on[pid] = max(day, birth) if birth else day
    # Who may be waived (the configured categories on the date of death), asked the way that works
    # on any version of the code: per category and date.
    by_date: dict[datetime.date, list[int]] = {}
    for pid, day in died_on.items():
        by_date.setdefault(day, []).append(pid)
    eligible = set()
    for code in WaiverEligibleCategory.objects.values_list("code", flat=True):
        if code in CATEGORIES:
            for day, pids in by_date.items():
                eligible |= CATEGORIES[code].members(pids, day)
    seeder = Seeder.start(today)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("殡仪馆火化登记台账")
    ws.append([c.header for c in COLUMNS])
    stamp = time.strftime("%H%M%S")
    waived = placed = 0

    def placement(i, day, values):
        nonlocal placed
        kind = i % 10
        place_day = min(day + datetime.timedelta(days=3), today)
        if kind < 6 and halls:
            values.update({"安葬方式": "骨灰楼堂存放", "安葬（放）设施": halls[i % len(halls)][0],
                           "具体位置": f"B区{i // 40}排{i % 40}号", "安葬（放）日期": place_day.isoformat()})  # fmt: skip
        elif kind == 6 and cemetery:
            values.update({"安葬方式": "传统墓葬", "安葬（放）设施": cemetery, "具体位置": f"C区{i}号",
                           "安葬（放）日期": place_day.isoformat()})  # fmt: skip
        elif kind == 7:
            values.update({"安葬方式": "海葬", "安葬（放）日期": place_day.isoformat()})
        else:
            return
        placed += 1

    for i, pid in enumerate(ids):
        person, day = people[pid], died_on[pid]
        values = {"姓名": person.name, "身份证号": person.id_number, "乡镇（街道）": person.township.name,
                  "死亡日期": day.isoformat(), "火化日期": min(day + datetime.timedelta(days=2), today).isoformat(),
                  "火化证明编号": f"BL{stamp}{i:05d}", "家属联系人": "陈建华", "家属联系电话": "13905951234"}  # fmt: skip
        placement(i, day, values)
        if pid in eligible:
            values.update({"减免": "是", "骨灰盒价格": "260"})
            waived += 1
        ws.append([values.get(c.header, "") for c in COLUMNS])
    for j in range(new):
        i = len(ids) + j
        day = today - datetime.timedelta(days=3 + i % 28)
        number = seeder.id_number(datetime.date(1935, 1, 1) + datetime.timedelta(days=j * 11), j % 2 == 0)
        values = {"姓名": f"黄建{'国华明强伟'[j % 5]}", "身份证号": number, "乡镇（街道）": "洪濑镇",
                  "死亡日期": day.isoformat(), "火化日期": min(day + datetime.timedelta(days=2), today).isoformat(),
                  "火化证明编号": f"BL{stamp}{i:05d}"}  # fmt: skip
        placement(i, day, values)
        ws.append([values.get(c.header, "") for c in COLUMNS])
    for j in range(unknown):
        i = len(ids) + new + j
        day = today - datetime.timedelta(days=3 + i % 28)
        values = {"姓名": "无名氏", "身份不明情况": f"无名男性，约{50 + j % 30}岁", "乡镇（街道）": "水头镇",
                  "死亡日期": day.isoformat(), "火化日期": min(day + datetime.timedelta(days=10), today).isoformat(),
                  "火化证明编号": f"BL{stamp}{i:05d}"}  # fmt: skip
        ws.append([values.get(c.header, "") for c in COLUMNS])
    counts.update({"not in the registry": new, "identity unknown": unknown, "placements": placed, "waivers": waived})
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), counts


def consequences() -> dict:
    """What the deaths reach, counted (before and after the save)."""
    from assistance.models import Transition
    from childwelfare.models import Child
    from core.models import Person
    from eldercare.models import Subsidy, VisitTarget
    from funeral.models import DeathRecord, Placement, Waiver
    from orgs.models import SocialWorker

    return {
        "people dead": Person.objects.filter(date_of_death__isnull=False).count(),
        "people history rows": Person.history.count(),
        "death records": DeathRecord.objects.count(),
        "placements": Placement.objects.count(),
        "waivers": Waiver.objects.count(),
        "case steps member_died": Transition.objects.filter(action="member_died").count(),
        "subsidies ended": Subsidy.objects.filter(status=Subsidy.Status.ENDED).count(),
        "visit targets ended": VisitTarget.objects.filter(ended_on__isnull=False).count(),
        "child files closed": Child.objects.filter(closed_on__isnull=False).count(),
        "social workers left": SocialWorker.objects.filter(left_on__isnull=False).count(),
    }


class QueryCount:
    """Counts the statements run (CaptureQueriesContext keeps the last 9,000 only)."""

    def __init__(self, connection):
        self.connection, self.n = connection, 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = self.connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    def __len__(self):
        return self.n


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(rows: int) -> None:
    from django.db import connection, transaction

    from core.identifiers import parse_id_number
    from core.imports import REGISTRY, read_rows
    from core.models import User

    importer = REGISTRY["funeral-ledger"]
    staff = User.objects.get(username="staff")
    try:
        with transaction.atomic():
            start = time.perf_counter()
            content, counts = ledger_sheet(rows)
            print(f"\n{rows:,} rows: ledger built in {time.perf_counter() - start:.1f} s: "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))  # fmt: skip
            before = consequences()
            start = time.perf_counter()
            parsed = read_rows(io.BytesIO(content), importer)
            read_s = time.perf_counter() - start
            staff = User.objects.get(pk=staff.pk)  # no permission cache carried over
            parse_id_number(parsed[0].values["id_number"])  # stdnum's region table, read once a process
            with QueryCount(connection) as validate_q:
                start = time.perf_counter()
                prepared, errors = importer.validate(parsed, user=staff, progress=lambda n: None)
                validate_s = time.perf_counter() - start
            if errors:
                print(f"  {len(errors)} errors, e.g. {[e.as_dict() for e in errors[:3]]}")
                raise _Rollback
            with QueryCount(connection) as save_q:
                start = time.perf_counter()
                with transaction.atomic():
                    created = importer.save(prepared, user=staff)
                # The foreign keys a commit would check (deferred), inside the timed part: the
                # rollback below never commits.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                save_s = time.perf_counter() - start
            total = validate_s + save_s
            print(f"  read {read_s:.2f} s; validate {validate_s:.2f} s, {len(validate_q):,} queries; "
                  f"save {save_s:.2f} s, {len(save_q):,} queries; {created:,} saved; "
                  f"validate+save {total:.2f} s = {rows / total:,.0f} rows/s; peak RSS {rss_mb():.0f} MB")  # fmt: skip
            after = consequences()
            print("  reached: " + ", ".join(f"{k} +{after[k] - before[k]}" for k in after))
            raise _Rollback
    except _Rollback:
        pass


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    sizes = [int(a) for a in sys.argv[1:]] or [1000]
    from core.models import Person

    print(f"database {connection.settings_dict['NAME']}: {Person.objects.count():,} people")
    for rows in sizes:
        run(rows)


if __name__ == "__main__":
    main()
