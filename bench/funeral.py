"""Funeral benchmark on a seeded database: the records list, the eco-burial page and indicator 7
(server time, p50/p95), and a ledger import of N rows through the same service as the form
(validated and saved, then rolled back so the database is left as it was).

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/funeral.py [rows]"""

import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class _Rollback(Exception):
    pass


def ledger_file(rows: int) -> bytes:
    import openpyxl

    from core.demo.people import GIVEN_FEMALE, GIVEN_MALE, SURNAMES, Seeder
    from funeral.importers import COLUMNS

    seeder = Seeder.start(datetime.date.today())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for i in range(rows):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 300)
        number = seeder.id_number(datetime.date(1940, 1, 1) + datetime.timedelta(days=i * 7), i % 2 == 0)
        # a name as a person has one (the name rule refuses digits: "测试12" would be a bad row)
        given = GIVEN_MALE if i % 2 == 0 else GIVEN_FEMALE
        name = SURNAMES[i % len(SURNAMES)] + given[i // 2 % len(given)]
        values = {"姓名": name, "身份证号": number, "乡镇（街道）": "洪濑镇", "死亡日期": day.isoformat(),
                  "火化日期": (day + datetime.timedelta(days=2)).isoformat(), "安葬方式": "骨灰楼堂存放",
                  "安葬（放）设施": "南安市公益性骨灰楼堂", "安葬（放）日期": (day + datetime.timedelta(days=5)).isoformat()}  # fmt: skip
        ws.append([values.get(c.header, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.test import Client

    from bench.people_lists import percentile
    from core.imports import import_job_run
    from core.models import ImportJob, User
    from funeral.indicators import eco_burial_rate
    from funeral.models import DeathRecord

    settings.DEBUG = False
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    staff = User.objects.get(username="staff")
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff)
    print(f"death records in the database: {DeathRecord.objects.count():,}")
    for url in ("/funeral/records/", "/funeral/records/?month=2024-03", "/funeral/placements/?year=2024"):
        samples = []
        for i in range(53):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            if i >= 3:
                samples.append((time.perf_counter() - start) * 1000)
        print(f"{url} (ms): p50 {percentile(samples, 50):.1f}, p95 {percentile(samples, 95):.1f}")
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        eco_burial_rate(2024, datetime.date(2025, 1, 15))
        samples.append((time.perf_counter() - start) * 1000)
    print(f"indicator 7 (ms): p50 {percentile(samples, 50):.1f}")

    content = ledger_file(rows)
    try:
        with transaction.atomic():
            job = ImportJob(kind="funeral-ledger", original_name="bench.xlsx", created_by=staff)
            job.file.save("bench-ledger.xlsx", ContentFile(content), save=True)
            start = time.perf_counter()
            job = import_job_run(job)
            elapsed = time.perf_counter() - start
            print(f"ledger import of {rows} rows: {job.state} ({job.created_rows} saved) in {elapsed:.1f} s")
            job.file.delete(save=False)
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
