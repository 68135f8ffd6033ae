"""Import engine benchmark (issue 14): a people-and-households sheet of N rows (a head and two
members a household) through core's engine, validated and saved, then rolled back. Prints the time
of each phase, rows/s, the queries and the peak RSS of the process.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/imports.py [rows]"""

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


def people_sheet(rows: int) -> bytes:
    import openpyxl

    from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, Seeder
    from core.importers import COLUMNS

    seeder = Seeder.start(datetime.date.today())
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("人员与家庭")
    ws.append([c.header for c in COLUMNS])
    head = ""
    for i in range(rows):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 25000)
        number = seeder.id_number(birth, i % 2 == 0)
        if i % 3 == 0:
            head = number
        name = (
            SURNAMES[i % len(SURNAMES)] + GIVEN_MALE[i % len(GIVEN_MALE)] + GIVEN_FEMALE[(i // 7) % len(GIVEN_FEMALE)]
        )
        values = {"姓名": name, "身份证号": number, "乡镇（街道）": "洪濑镇", "户籍类型": "农村",
                  "户主身份证号": head, "与户主关系": "户主" if i % 3 == 0 else "子女",
                  "住址": f"洪濑镇测试路{i // 3}号" if i % 3 == 0 else ""}  # fmt: skip
        ws.append([values.get(c.header, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from core.imports import import_job_run
    from core.models import ImportJob, User

    settings.DEBUG = False
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    staff = User.objects.get(username="staff")
    start = time.perf_counter()
    content = people_sheet(rows)
    print(f"sheet of {rows:,} rows: {len(content) / 1e6:.1f} MB, written in {time.perf_counter() - start:.1f} s")
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            job = ImportJob(kind="people", original_name="bench.xlsx", created_by=staff, total_rows=rows)
            job.file.save("bench-people.xlsx", ContentFile(content), save=True)
            start = time.perf_counter()
            job = import_job_run(job)
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"people import of {rows:,} rows: {job.state}, {job.created_rows:,} saved in {elapsed:.2f} s "
                  f"({rows / elapsed:,.0f} rows/s), {len(queries):,} queries, peak RSS {peak:.0f} MB")  # fmt: skip
            if job.state != ImportJob.State.DONE:
                print(job.message, job.errors[:3])
            job.file.delete(save=False)
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
