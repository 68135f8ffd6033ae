"""Social organisations benchmark on a seeded database (issue 13's speed goals): a 1,000-organisation
registry sheet imported through core's engine, the 1 June annual-report check over the registry
(with 1,000 more organisations owing a report), indicators 5, 10, 11 and 12 for a year, and the
registry page (server time, p50/p95). Everything written is rolled back.

Usage: DATABASE_URL=postgres://.../nanan_bench python bench/orgs.py [rows]"""

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


def registry_file(rows: int) -> bytes:
    import openpyxl
    from stdnum.cn import uscc

    from orgs.importers import COLUMNS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for i in range(rows):
        body = f"52350583BN{i:07d}"
        values = {"名称": f"南安市基准测试服务中心{i}", "统一社会信用代码": body + uscc.calc_check_digit(body),
                  "类型": "民办非企业单位", "登记日期": "2019-03-01", "乡镇（街道）": "洪濑镇", "住所": f"洪濑镇测试路{i}号",
                  "注册资金（元）": "30000"}  # fmt: skip
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
    from indicators.providers import PROVIDERS
    from orgs.models import Organisation
    from orgs.services.reports import annual_report_check

    settings.DEBUG = False
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    staff = User.objects.get(username="staff")
    print(f"organisations in the database: {Organisation.objects.count():,}")
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff)
    for url in ("/orgs/", "/orgs/?township=350583113&type=association", "/orgs/reports/", "/orgs/facilities/"):
        samples = []
        for i in range(43):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            if i >= 3:
                samples.append((time.perf_counter() - start) * 1000)
        print(f"{url} (ms): p50 {percentile(samples, 50):.1f}, p95 {percentile(samples, 95):.1f}")

    year = datetime.date.today().year - 1
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        for no in (5, 10, 11, 12):
            PROVIDERS[no](year, datetime.date.today())
        samples.append((time.perf_counter() - start) * 1000)
    print(f"indicators 5, 10, 11, 12 for {year} together (ms): p50 {percentile(samples, 50):.1f}, "
          f"p95 {percentile(samples, 95):.1f}")  # fmt: skip

    content = registry_file(rows)
    try:
        with transaction.atomic():
            job = ImportJob(kind="orgs-registry", original_name="bench.xlsx", created_by=staff)
            job.file.save("bench-registry.xlsx", ContentFile(content), save=True)
            start = time.perf_counter()
            job = import_job_run(job)
            elapsed = time.perf_counter() - start
            print(f"registry import of {rows} rows: {job.state} ({job.created_rows} saved) in {elapsed:.2f} s")
            job.file.delete(save=False)
            # The imported organisations owe last year's report and filed none: the check lists them all.
            check_year = year if datetime.date.today() > datetime.date(year + 1, 5, 31) else year - 1
            owing = Organisation.objects.count()
            start = time.perf_counter()
            check = annual_report_check(year=check_year, run_on=datetime.date(check_year + 1, 6, 1))
            elapsed = time.perf_counter() - start
            print(f"1 June check for {check_year} over {owing:,} organisations: {check.listed} listed, "
                  f"{check.flagged} proposed, in {elapsed:.2f} s")  # fmt: skip
            raise _Rollback
    except _Rollback:
        pass


if __name__ == "__main__":
    main()
