"""A payroll build is a job (issue 10, item 9): the request leaves a draft batch "queued", the
worker marks it running and then done, any failure is recorded with its reason, a build whose
worker died is failed once its lease expires and can be requested again, and with the queue down
the request answers 503 within 2 s and the batch says why it was not built."""

import datetime
import time

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.services.cases import next_month_start
from assistance.services.payroll import payroll_request
from config.celery import app
from core import payments
from core.jobs import LEASE, queue_wait
from core.models import PaymentBatch
from core.payments import PROGRAMS, register_program
from tests.assistance.conftest import TODAY

NEXT = next_month_start(TODAY)
CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens there


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def batch_of(month=NEXT) -> PaymentBatch:
    return PaymentBatch.objects.get(program="assistance", month=month)


def test_a_request_leaves_a_queued_draft_and_the_worker_marks_it_done(
    standards, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        payroll_request(month=f"{NEXT:%Y-%m}", user=staff)
    batch = batch_of()
    assert (batch.state, batch.build_state, batch.build_requested_by) == ("draft", "queued", staff)
    assert batch.build_requested_at is not None and len(callbacks) == 1
    callbacks[0]()  # the broker-less settings run the task eagerly, as the worker would
    batch.refresh_from_db()
    assert batch.build_state == "done" and batch.build_started_at is not None and batch.built_by == staff
    assert batch.build_error == ""


def test_a_second_request_while_the_build_is_queued_or_running_sends_nothing(
    standards, staff, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as first:
        payroll_request(month=f"{NEXT:%Y-%m}", user=staff)
    with django_capture_on_commit_callbacks() as second:
        payroll_request(month=f"{NEXT:%Y-%m}", user=make_user("staff"))
    assert (len(first), len(second)) == (1, 0)
    PaymentBatch.objects.filter(pk=batch_of().pk).update(
        build_state="running", build_started_at=timezone.now(), build_heartbeat_at=timezone.now()
    )
    with django_capture_on_commit_callbacks() as third:
        payroll_request(month=f"{NEXT:%Y-%m}", user=staff)
    assert third == [] and batch_of().build_state == "running" and batch_of().build_requested_by == staff


def _died_long_ago(staff) -> PaymentBatch:
    started = timezone.now() - LEASE - datetime.timedelta(minutes=1)
    return PaymentBatch.objects.create(program="assistance", month=NEXT, build_state="running",
                                       build_requested_by=staff, build_requested_at=started,
                                       build_started_at=started, build_heartbeat_at=started)  # fmt: skip


def test_a_build_whose_worker_died_is_failed_when_read_shown_and_can_be_requested_again(
    standards, staff, client_for, django_capture_on_commit_callbacks
):
    batch = _died_long_ago(staff)
    detail = api(staff).get(f"/api/v1/assistance/payroll-batches/{batch.pk}/").json()
    assert detail["build_state"] == "failed" and "工作进程中断" in detail["build_error"]
    page = client_for(staff).get(f"/assistance/payroll/{batch.pk}/").content.decode()
    assert "生成失败" in page and "工作进程中断" in page
    assert "工作进程中断" in client_for(staff).get("/assistance/payroll/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": f"{NEXT:%Y-%m}"}, format="json")
    assert response.status_code == 202 and len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.build_state == "done" and batch.build_error == ""


def test_a_request_fails_an_expired_build_itself_and_queues_a_new_one(
    standards, staff, django_capture_on_commit_callbacks
):
    batch = _died_long_ago(staff)
    with django_capture_on_commit_callbacks() as callbacks:
        payroll_request(month=f"{NEXT:%Y-%m}", user=staff)
    batch.refresh_from_db()
    assert batch.build_state == "queued" and len(callbacks) == 1


def test_a_build_queued_longer_than_the_broker_would_redeliver_is_failed_and_can_be_requested_again(
    standards, staff, client_for, django_capture_on_commit_callbacks
):
    asked = timezone.now() - queue_wait() - datetime.timedelta(minutes=1)
    batch = PaymentBatch.objects.create(program="assistance", month=NEXT, build_state="queued",
                                        build_requested_by=staff, build_requested_at=asked)  # fmt: skip
    page = client_for(staff).get("/assistance/payroll/").content.decode()
    batch.refresh_from_db()
    assert batch.build_state == "failed" and "仍未开始" in batch.build_error and batch.build_error in page
    with django_capture_on_commit_callbacks() as callbacks:
        payroll_request(month=f"{NEXT:%Y-%m}", user=staff)
    batch.refresh_from_db()
    assert batch.build_state == "queued" and len(callbacks) == 1


@pytest.fixture
def broken_program():
    """A programme whose entitlements cannot be read (as a query that fails would)."""

    def entitlements(month):
        raise RuntimeError("数据库查询失败")
        yield

    register_program("test.broken", "测试", first_month=datetime.date(2020, 1, 1))(entitlements)
    yield "test.broken"
    PROGRAMS.pop("test.broken")


def test_a_build_that_raises_is_recorded_failed_with_its_reason(db, staff, broken_program):
    assert payments.payment_build_run(program=broken_program, month=NEXT, user=staff) is None
    batch = PaymentBatch.objects.get(program=broken_program)
    assert batch.build_state == "failed" and "数据库查询失败" in batch.build_error and batch.line_count == 0


# --- the queue is down ----------------------------------------------------------------------------


def _forget_connections():
    app._local.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)
    app.close()


@pytest.fixture
def broker_down(transactional_db):
    """The project's Celery app pointed at a port nothing listens on (broker and result store are
    one Redis in production, so both are down), with tasks sent, not run eagerly."""
    keys = ("task_always_eager", "broker_url", "result_backend")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(task_always_eager=False, broker_url=CLOSED_PORT, result_backend=CLOSED_PORT)
    _forget_connections()
    yield
    app.conf.update(saved)
    _forget_connections()


def test_with_the_queue_down_the_api_answers_503_within_2_s_and_the_batch_says_why(broker_down, standards, staff):
    started = time.monotonic()
    response = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": f"{NEXT:%Y-%m}"}, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.json()["code"] == "queue_unavailable", response.content
    assert elapsed < 2, f"{elapsed:.1f} s"
    batch = batch_of()
    assert batch.build_state == "failed" and "任务队列" in batch.build_error
    detail = api(staff).get(f"/api/v1/assistance/payroll-batches/{batch.pk}/").json()
    assert detail["build_state"] == "failed" and detail["build_error"] == batch.build_error


def test_with_the_queue_down_the_payroll_page_says_so(broker_down, standards, staff, client_for):
    started = time.monotonic()
    page = client_for(staff).post("/assistance/payroll/", {"month": f"{NEXT:%Y-%m}"})
    assert time.monotonic() - started < 2
    assert page.status_code == 503 and "任务队列暂时不可用" in page.content.decode()
    assert batch_of().build_state == "failed"
