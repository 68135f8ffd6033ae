"""Import engine benchmark (issue 14), each import as the upload page inspects it (timed on its own)
and then through core's engine end to end (the sheet read, validated and saved, as the worker runs
it), then rolled back: a people-and-households sheet of N rows (a head and two
members a household), with --long N every row carrying an address of N characters (N=160 makes the
sheet of 100,000 rows 20 MB: the upload limit, for the peak RSS), with --bad P the same sheet with
every P-th row's ID number given a wrong check
digit (rejected, every bad row named), and with --cases M an active-cases sheet of M households already in the
registry and in no open case. Prints rows/s, the queries and the peak RSS of the process.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/imports.py [rows] [--long N] [--bad P] [--cases M]"""

import datetime
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class _Rollback(Exception):
    pass


ADDRESS_CHARS = "东西南北中路街巷号楼栋单元室村组"


def people_sheet(rows: int, bad_every: int = 0, address_chars: int = 0) -> bytes:
    import openpyxl

    from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, Seeder
    from core.importers import COLUMNS

    seeder = Seeder.start(datetime.date.today())
    rng = random.Random(1)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("人员与家庭")
    ws.append([c.header for c in COLUMNS])
    head = ""
    for i in range(rows):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 25000)
        number = seeder.id_number(birth, i % 2 == 0)
        if bad_every and i % bad_every == bad_every - 1:  # a member's number with a wrong check digit
            number = number[:17] + ("0" if number[17] != "0" else "1")
        if i % 3 == 0:
            head = number
        name = (
            SURNAMES[i % len(SURNAMES)] + GIVEN_MALE[i % len(GIVEN_MALE)] + GIVEN_FEMALE[(i // 7) % len(GIVEN_FEMALE)]
        )
        values = {"姓名": name, "身份证号": number, "乡镇（街道）": "洪濑镇", "户籍类型": "农村",
                  "户主身份证号": head, "与户主关系": "户主" if i % 3 == 0 else "子女",
                  "住址": f"洪濑镇测试路{i // 3}号" if i % 3 == 0 else ""}  # fmt: skip
        if address_chars:  # every row, each address different: text that neither repeats nor compresses well
            values["住址"] = "洪濑镇" + "".join(rng.choice(ADDRESS_CHARS) for _k in range(address_chars))
        ws.append([values.get(c.header, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cases_sheet(rows: int) -> tuple[bytes, int]:
    """Active dibao cases for `rows` households of the registry whose living members are in no open
    case, as the bureau's old spreadsheet lists them."""
    import openpyxl
    from django.db.models import Exists, OuterRef

    from assistance.importers import COLUMNS
    from assistance.models import Case, CaseMember
    from core.models import Household, HouseholdMember

    busy = CaseMember.objects.filter(
        person__membership__household=OuterRef("pk"), case__kind__in=Case.EXCLUSIVE_KINDS,
        case__state__in=Case.OPEN_STATES,
    )  # fmt: skip
    households = list(
        Household.objects.filter(head__date_of_death__isnull=True)
        .exclude(Exists(busy))
        .values_list("pk", "head__id_number")[:rows]
    )
    living: dict[int, int] = {}
    for household_id in HouseholdMember.objects.filter(
        household_id__in=[h for h, _n in households], person__date_of_death__isnull=True
    ).values_list("household_id", flat=True):
        living[household_id] = living.get(household_id, 0) + 1
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("在保对象")
    ws.append([c.header for c in COLUMNS])
    for i, (household_id, number) in enumerate(households):
        n = living[household_id]
        values = {"类别": "最低生活保障", "申请人身份证号": number, "保障人数": str(n), "月发放金额（元）": str(500 * n),
                  "认定日期": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "银行账号": f"62284800{i:011d}"}  # fmt: skip
        ws.append([values.get(c.header, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), len(households)


#: What each import writes (and its rollback leaves dead).
VACUUM_AFTER = {
    "people": ["core_person", "core_historicalperson", "core_household", "core_historicalhousehold",
               "core_householdmember", "core_historicalhouseholdmember", "core_importjob"],
    "assistance-cases": ["assistance_case", "assistance_casemember", "assistance_decision", "assistance_transition",
                         "core_importjob"],
}  # fmt: skip


def run_import(kind: str, content: bytes, rows: int, user) -> None:
    """One sheet as the upload page and then the worker take it, in a transaction rolled back at the
    end: the upload's inspection (its time printed on its own: the page does it before the job is
    queued, and the worker reads the bytes it passed without a second look), then the engine. The
    caller hands its only reference to the sheet over (`content`): the job's stored file is all the
    process keeps of it while the engine runs, as in the worker, so the peak RSS is the engine's."""
    from django.core.files.base import ContentFile
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from core.imports import import_job_run
    from core.models import ImportJob
    from core.spreadsheets import inspect_workbook

    start = time.perf_counter()
    inspected = inspect_workbook(io.BytesIO(content))
    print(f"{kind}: the upload's inspection {time.perf_counter() - start:.2f} s ({inspected.filled_rows:,} rows)")
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            job = ImportJob(kind=kind, original_name="bench.xlsx", created_by=user, total_rows=rows,
                            inspected_sha256=inspected.digest)  # fmt: skip
            job.file.save(f"bench-{kind}.xlsx", ContentFile(content), save=True)
            del content
            start = time.perf_counter()
            job = import_job_run(job)
            # What the commit would do: the foreign keys are checked at commit (deferred), and the
            # rollback below never commits, so they are checked here, inside the timed part.
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{kind} import of {rows:,} rows (the worker's engine): {job.state}, {job.created_rows:,} saved in {elapsed:.2f} s "
                  f"({rows / elapsed:,.0f} rows/s), {len(queries):,} queries, peak RSS {peak:.0f} MB")  # fmt: skip
            if job.state != ImportJob.State.DONE:
                print(f"  {job.message} {len(job.errors):,} errors named, e.g. {job.errors[:2]}")
            job.file.delete(save=False)
            raise _Rollback
    except _Rollback:
        pass
    vacuum(kind)


def vacuum(kind: str) -> None:
    """The rolled-back rows stay behind as dead tuples, and autovacuum is off on these machines: a
    page benchmark run afterwards would read a township's people through 100,000 of them."""
    from django.db import connection as conn

    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for table in VACUUM_AFTER[kind]:
            cursor.execute(f"VACUUM ANALYZE {conn.ops.quote_name(table)}")


def people_limit(content: bytes, user) -> None:
    """What the database alone asks for the same sheet, side by side with the engine: the reader's
    parse of the sheet, then the rows COPYed straight into person, household and member (the values
    typed from the cells with no rule checked), then their history rows, then the foreign-key checks
    of the commit. Rolled back."""
    from python_calamine import CalamineWorkbook

    from core.bulk import _copy_history_ids, _copy_rows, _next_ids
    from core.importers import COLUMNS
    from core.models import Household, HouseholdMember, Person

    if connection_vendor() != "postgresql":
        return
    from django.db import connection, transaction

    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    parse_s = time.perf_counter() - start
    at = {c.key: i for i, c in enumerate(COLUMNS)}
    township = "350583113"
    try:
        with transaction.atomic():
            start = time.perf_counter()
            body = sheet[1:]
            ids = _next_ids(Person, len(body))
            people = []
            for row in body:
                number = str(row[at["id_number"]])
                born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                people.append((row[at["name"]], number, "", born, "M" if int(number[16]) % 2 else "F", "", township,
                               None, "rural", "", None))  # fmt: skip
            columns = ["id", "name", "id_number", "id_note", "birth_date", "sex", "phone", "township_id", "village_id",
                       "hukou", "disability_category", "disability_grade"]  # fmt: skip
            now = {"created_at": datetime.datetime.now(datetime.UTC), "updated_at": datetime.datetime.now(datetime.UTC)}
            _copy_rows(Person._meta.db_table, columns, ((pk, *v) for pk, v in zip(ids, people, strict=True)), now)
            heads = [(pk, row) for pk, row in zip(ids, body, strict=True) if row[at["relation"]] == "户主"]
            household_ids = _next_ids(Household, len(heads))
            _copy_rows(Household._meta.db_table, ["id", "head_id", "township_id", "address"],
                       ((h, pk, township, row[at["address"]]) for h, (pk, row) in zip(household_ids, heads, strict=True)),
                       now)  # fmt: skip
            household_of = {str(row[at["id_number"]]): h for h, (_pk, row) in zip(household_ids, heads, strict=True)}
            member_ids = _next_ids(HouseholdMember, len(body))
            members = ((m, household_of[str(row[at["head_id_number"]])], pk, "head" if row[at["relation"]] == "户主"
                        else "child") for m, pk, row in zip(member_ids, ids, body, strict=True))  # fmt: skip
            _copy_rows(HouseholdMember._meta.db_table, ["id", "household_id", "person_id", "relation"], members)
            copy_s = time.perf_counter() - start
            start = time.perf_counter()
            for model, taken in ((Person, ids), (Household, household_ids), (HouseholdMember, member_ids)):
                _copy_history_ids(model.history.model, model, taken, user=user, reason="limit")
            history_s = time.perf_counter() - start
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            checks_s = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    print(f"  limit, same sheet: parse {parse_s:.2f} s + COPY {copy_s:.2f} s = {parse_s + copy_s:.2f} s; "
          f"+ history rows {history_s:.2f} s + commit's key checks {checks_s:.2f} s = "
          f"{parse_s + copy_s + history_s + checks_s:.2f} s")  # fmt: skip
    vacuum("people")


def cases_limit(content: bytes, user) -> None:
    """What the database alone asks for the same case sheet: its rows read and checked first
    (untimed), then the writes the engine makes (write_cases over all the checked rows at once, no
    thread), then the foreign-key checks; rolled back."""
    if connection_vendor() != "postgresql":
        return
    from django.db import connection, transaction

    from assistance.importers import validate_cases, write_cases
    from core.imports import REGISTRY, read_rows

    rows = read_rows(io.BytesIO(content), REGISTRY["assistance-cases"])
    prepared, errors = validate_cases(rows, user=user, progress=lambda done: None)
    assert not errors, errors[:3]
    try:
        with transaction.atomic():
            start = time.perf_counter()
            write_cases(prepared, user=user, state={})
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            write_s = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    print(f"  limit, same sheet: the writes alone (cases, members, decisions, transitions, their key checks) "
          f"{write_s:.2f} s")  # fmt: skip
    vacuum("assistance-cases")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def main():
    import django

    django.setup()
    from django.conf import settings

    from core.models import User

    settings.DEBUG = False
    args = sys.argv[1:]
    cases = 0
    bad = long = 0
    if "--long" in args:
        i = args.index("--long")
        long = int(args[i + 1])
        del args[i : i + 2]
    if "--bad" in args:
        i = args.index("--bad")
        bad = int(args[i + 1])
        del args[i : i + 2]
    if "--cases" in args:
        i = args.index("--cases")
        cases = int(args[i + 1])
        del args[i : i + 2]
    rows = int(args[0]) if args else 100_000
    staff = User.objects.get(username="staff")
    if rows:
        start = time.perf_counter()
        sheet = Path(tempfile.mkstemp(suffix=".xlsx")[1])
        sheet.write_bytes(people_sheet(rows, bad, long))  # the process keeps no copy while the engine runs
        print(f"sheet of {rows:,} rows: {sheet.stat().st_size / 1e6:.1f} MB, "
              f"written in {time.perf_counter() - start:.1f} s")  # fmt: skip
        run_import("people", sheet.read_bytes(), rows, staff)
        if not bad and not long:
            people_limit(sheet.read_bytes(), staff)
        elif bad:  # nothing is written: the limit is the reader's parse of the sheet
            from python_calamine import CalamineWorkbook

            start = time.perf_counter()
            CalamineWorkbook.from_filelike(io.BytesIO(sheet.read_bytes())).get_sheet_by_index(0).to_python()
            print(f"  limit, same sheet: parse {time.perf_counter() - start:.2f} s")
        sheet.unlink()
    if cases:
        content, found = cases_sheet(cases)
        run_import("assistance-cases", content, found, staff)
        cases_limit(content, staff)


if __name__ == "__main__":
    main()
