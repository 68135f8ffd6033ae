"""Faults with the real services (issue 15, item 3): a Redis of the test's own on a spare port,
stopped under the running portal; PostgreSQL dropping the web process's connections. Each test
starts and stops only what it started, never the machine's shared Redis or PostgreSQL."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.integration.conftest import _forget_connections, _use

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a spare port (no persistence); stopped at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: scripts/ensure_services.sh redis")
    port = _spare_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"redis-server did not start on port {port}")
        time.sleep(0.1)
    server.url = f"redis://127.0.0.1:{port}/0"
    try:
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


def _get(client, url):
    """/healthz is an async view: call it from a fresh thread (the browser tests leave an event loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(client.get, url).result()


def test_with_redis_stopped_pages_and_api_keep_working_jobs_answer_503_and_healthz_names_the_broker(
    own_redis, staff, client_for, settings
):
    from rest_framework.test import APIClient

    saved = _use(task_always_eager=False, broker_url=own_redis.url, result_backend=own_redis.url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = own_redis.url
    try:
        page = client_for(staff)
        api = APIClient()
        api.force_authenticate(staff)
        # Redis up, nothing consuming the queue: /healthz says so.
        no_worker = _get(page, "/healthz")
        assert no_worker.status_code == 503, no_worker.content
        body = no_worker.json()
        assert (body["database"], body["broker"]) == ("ok", "ok") and body["worker"].startswith("error"), body

        own_redis.terminate()
        own_redis.wait(timeout=10)

        for url in ("/", "/core/people/", "/indicators/", "/assistance/cases/"):
            assert page.get(url).status_code == 200, url
        assert api.get("/api/v1/people/").status_code == 200
        started = time.monotonic()
        job = api.post("/api/v1/indicators/recompute/", {"year": 2021}, format="json")
        took = time.monotonic() - started
        assert job.status_code == 503 and took < 2, (job.status_code, took)
        started = time.monotonic()
        payroll = api.post("/api/v1/assistance/payroll-batches/", {"month": "2025-01"}, format="json")
        assert payroll.status_code == 503 and time.monotonic() - started < 2, payroll.content

        down = _get(page, "/healthz")
        assert down.status_code == 503
        body = down.json()
        assert body["database"] == "ok" and body["broker"].startswith("error"), body
        assert body["worker"] == "unknown: the broker is down", body
    finally:
        app_restore(saved)


def app_restore(saved):
    from config.celery import app

    app.conf.update(saved)
    _forget_connections()


@pytest.fixture
def web_process(transactional_db):
    """The portal served as in production (gunicorn, persistent database connections) on a spare
    port, against the test database; stopped at the end."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = _spare_port()
    log = open(ROOT / "var" / f"gunicorn-faults-{port}.log", "w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "DATABASE_CONN_MAX_AGE": "60"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5):  # noqa: S310 (http, our own server)
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start:\n" + (log.seek(0) or log.read()))
            time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def test_the_next_request_succeeds_after_postgresql_drops_the_web_process_connections(web_process, staff):
    token = Token.objects.create(user=staff).key

    def people():
        url = f"{web_process}/api/v1/people/"
        request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 (http, our own server)
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (the test's own server)
            return response.status, json.loads(response.read())

    assert people()[0] == 200  # the worker now holds a persistent connection (CONN_MAX_AGE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        dropped = cursor.fetchone()[0]
    assert dropped >= 1, "the web process held no connection to drop"
    for _ in range(3):  # the next request, and the ones after it
        status, body = people()
        assert status == 200 and "results" in body


class PaymentLinesHeld:
    """A second connection holding the payment-line table: the build's first line insert waits on it."""

    def __enter__(self):
        import psycopg2

        db = connection.settings_dict
        self.conn = psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
        )
        self.conn.cursor().execute("LOCK TABLE core_paymentline IN ACCESS EXCLUSIVE MODE")
        return self

    def someone_waits(self) -> bool:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'core_paymentline'::regclass"
            )
            return cursor.fetchone()[0] > 0

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def _wait_for(check, *, timeout=30, what=""):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_worker_killed_during_a_payroll_build_leaves_no_half_batch_and_the_next_build_completes(
    start_worker, settings
):
    import datetime
    from decimal import Decimal

    from assistance.models import Standard
    from assistance.services.cases import IncomeInput, case_create, case_transition
    from assistance.services.payroll import payroll_request
    from core.models import PaymentBatch, PaymentLine
    from core.roles import Role
    from core.services.users import user_create
    from tests.factories import HouseholdFactory

    lease = 2
    settings.JOB_LEASE_SECONDS = lease
    D = datetime.date
    Standard.objects.get_or_create(kind="dibao", effective_from=D(2020, 1, 1), defaults={"amount": Decimal("775")})
    staff = user_create(username="payk", password="Correct-horse-9", role=Role.STAFF)
    checker = user_create(username="payc", password="Correct-horse-9", role=Role.STAFF)
    case = case_create(user=staff, kind="dibao", household=HouseholdFactory(), applied_on=D(2025, 1, 2),
                       income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("175"))], accept=True)  # fmt: skip
    for action, data in [("investigate", {"investigators": "黄秀英、陈国华", "verification": "passed"}),
                         ("review", {"opinion": "符合"}), ("publish_notice", {})]:  # fmt: skip
        case = case_transition(user=staff, case=case, action=action, on_date=D(2025, 1, 3), **data)
    case_transition(user=checker, case=case, action="confirm", on_date=D(2025, 1, 20), comment="纸质公示已张贴")

    worker = start_worker(env={"JOB_LEASE_SECONDS": str(lease)})
    with PaymentLinesHeld() as held:
        month = payroll_request(month="2025-02", user=staff)
        _wait_for(held.someone_waits, what="the worker to reach its first payment line")
        worker.kill()  # SIGKILL mid-build: no warm shutdown, no acknowledgement
        worker.wait(timeout=10)
    batch = PaymentBatch.objects.get(program="assistance", month=month)
    assert batch.build_state in (PaymentBatch.BuildState.RUNNING, PaymentBatch.BuildState.QUEUED)
    assert not PaymentLine.objects.filter(batch=batch).exists()  # the build's transaction never committed

    time.sleep(lease + 0.5)
    start_worker(env={"JOB_LEASE_SECONDS": str(lease)})
    for _attempt in range(2):  # the first request after the lease may only fail the lost build
        payroll_request(month="2025-02", user=staff)
        batch.refresh_from_db()
        if batch.build_state != PaymentBatch.BuildState.FAILED:
            break
    _wait_for(
        lambda: PaymentBatch.objects.get(pk=batch.pk).build_state == PaymentBatch.BuildState.DONE,
        what="the payroll built again",
    )
    batch.refresh_from_db()
    assert (batch.line_count, batch.total_amount) == (1, Decimal("600.00"))
    assert PaymentLine.objects.filter(batch=batch).count() == 1
    assert PaymentBatch.objects.filter(program="assistance", month=month).count() == 1
