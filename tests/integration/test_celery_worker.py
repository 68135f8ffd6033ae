import io

import openpyxl
import pytest
from django.core.files.base import ContentFile

from core.importers import COLUMNS
from core.models import ImportJob, Person
from core.roles import Role
from core.services.users import user_create
from core.tasks import ping, run_import_job
from tests.factories import make_id_number

# The worker reads committed rows: a transactional test (the flush after it is followed by
# post_migrate, which restores the divisions and role groups).
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def send(name: str, *args):
    """Send by name through the project's app: the task proxies resolve the *current* app, which
    other tests may have changed; the worker is what runs the task either way."""
    from config.celery import app

    return app.send_task(name, args=args)


def test_task_round_trip_on_a_real_worker(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert celery_worker.poll() is None  # the worker, not this process, answered


def test_import_job_runs_on_the_worker_and_saves_rows(celery_worker):
    user = user_create(username="bg", password="Correct-horse-9", role=Role.STAFF)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    numbers = [make_id_number() for _ in range(3)]
    for name, number in zip(["陈志明", "林秀英", "黄国华"], numbers, strict=True):
        ws.append([name, number, "", "洪濑镇"])
    buf = io.BytesIO()
    wb.save(buf)
    job = ImportJob(kind="people", original_name="bg.xlsx", created_by=user, total_rows=3)
    job.file.save("bg.xlsx", ContentFile(buf.getvalue()), save=True)

    state = run_import_job.delay(job.pk).get(timeout=60)
    job.refresh_from_db()
    assert state == ImportJob.State.DONE, (job.message, job.errors)
    assert (job.state, job.created_rows, job.processed_rows) == (ImportJob.State.DONE, 3, 3)
    assert set(Person.objects.values_list("id_number", flat=True)) == set(numbers)


def test_indicator_recompute_runs_on_the_worker(celery_worker):
    from indicators.models import RecomputeRun

    user = user_create(username="rc", password="Correct-horse-9", role=Role.STAFF)
    run = RecomputeRun.objects.create(year=2021, as_of="2021-12-31", requested_by=user)
    assert send("indicators.recompute", run.pk).get(timeout=60) == RecomputeRun.State.DONE
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.DONE and run.snapshots.count() == 13


def test_monthly_payroll_is_built_on_the_worker(celery_worker):
    from datetime import date
    from decimal import Decimal

    from assistance.models import Standard
    from assistance.services.cases import IncomeInput, case_create, case_transition
    from core.models import PaymentBatch
    from tests.factories import HouseholdFactory

    Standard.objects.get_or_create(kind="dibao", effective_from=date(2020, 1, 1), defaults={"amount": Decimal("775")})
    staff = user_create(username="pay", password="Correct-horse-9", role=Role.STAFF)
    officer = user_create(username="off", password="Correct-horse-9", role=Role.STAFF)
    case = case_create(user=staff, kind="dibao", household=HouseholdFactory(), applied_on=date(2025, 1, 2),
                       income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("175"))], accept=True)  # fmt: skip
    for action, data in [("investigate", {"investigators": "黄秀英、陈国华", "verification": "passed"}),
                         ("review", {"opinion": "符合"}), ("publish_notice", {})]:  # fmt: skip
        case = case_transition(user=staff, case=case, action=action, on_date=date(2025, 1, 3), **data)
    case_transition(
        user=officer, case=case, action="confirm", on_date=date(2025, 1, 20), comment="纸质公示 1 月 3 日已张贴"
    )

    batch_id = send("assistance.build_payroll", "2025-02-01", staff.pk).get(timeout=60)
    batch = PaymentBatch.objects.get(pk=batch_id)
    assert (batch.month, batch.line_count, batch.total_amount) == (date(2025, 2, 1), 1, Decimal("600.00"))
