"""A real worker killed (SIGKILL) in the middle of a recompute (issue 10, item 9): the run was left
"running" for ever and every later request for the year returned it. Now it is either delivered
again (acknowledged late, the broker redelivers it) and computed to the end, or failed with the
reason once its lease has expired so the next request runs a new one; never stuck.

The run is stopped at a known point without touching the code: the test holds a lock on the
snapshot table, so the worker blocks at its final write, after it has claimed the run and beaten.
"""

import time

import psycopg2
import pytest
from django.db import connection

from config.celery import app
from core.roles import Role
from core.services.users import user_create
from indicators.models import RecomputeRun, Snapshot
from indicators.services.recompute import recompute_request

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 2


def wait_for(check, *, timeout=20, what=""):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class SnapshotTableHeld:
    """A second connection holding the snapshot table: the worker's final insert waits on it."""

    def __enter__(self):
        db = connection.settings_dict
        self.conn = psycopg2.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
        )
        self.conn.cursor().execute("LOCK TABLE indicators_snapshot IN ACCESS EXCLUSIVE MODE")
        return self

    def someone_waits(self) -> bool:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'indicators_snapshot'::regclass"
            )
            return cursor.fetchone()[0] > 0

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def kill_mid_recompute(start_worker, user) -> RecomputeRun:
    worker = start_worker(env={"JOB_LEASE_SECONDS": str(LEASE_SECONDS)})
    with SnapshotTableHeld() as held:
        run, created = recompute_request(user=user, year=2021)
        assert created
        wait_for(held.someone_waits, what="the worker to reach its final write")
        run.refresh_from_db()
        assert run.state == RecomputeRun.State.RUNNING and run.heartbeat_at is not None
        worker.kill()  # SIGKILL: no warm shutdown, no acknowledgement
        worker.wait(timeout=10)
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.RUNNING  # what the probe found: a run nobody works on
    assert not Snapshot.objects.filter(run=run).exists()  # its one transaction never committed
    return run


def test_a_killed_recompute_is_failed_after_its_lease_and_the_next_request_completes(start_worker, settings):
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS
    user = user_create(username="rk", password="Correct-horse-9", role=Role.STAFF)
    dead = kill_mid_recompute(start_worker, user)

    again, created = recompute_request(user=user, year=2021)
    assert (again.pk, created) == (dead.pk, False)  # within the lease it may still be alive

    time.sleep(LEASE_SECONDS + 0.5)
    start_worker(env={"JOB_LEASE_SECONDS": str(LEASE_SECONDS)})
    run, created = recompute_request(user=user, year=2021)
    dead.refresh_from_db()
    assert created and run.pk != dead.pk
    assert dead.state == RecomputeRun.State.FAILED and "没有响应" in dead.error
    wait_for(lambda: RecomputeRun.objects.get(pk=run.pk).state == RecomputeRun.State.DONE, what="the new run")
    assert Snapshot.objects.filter(run=run).count() == 13


def test_a_killed_recompute_delivered_again_is_computed_to_the_end(start_worker, settings):
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS
    user = user_create(username="rd", password="Correct-horse-9", role=Role.STAFF)
    dead = kill_mid_recompute(start_worker, user)

    # Acknowledged late, the task is still the broker's: it goes back to the queue once its
    # visibility timeout has passed (75 minutes in production). Let that time pass now, the way a
    # worker's periodic sweep would, then start a worker to receive it.
    with app.connection_for_write(transport_options={"visibility_timeout": 0}) as conn:
        conn.default_channel.qos.restore_visible(num=100)
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's lease has expired: the redelivery claims it
    start_worker(env={"JOB_LEASE_SECONDS": str(LEASE_SECONDS)})
    wait_for(lambda: RecomputeRun.objects.get(pk=dead.pk).state == RecomputeRun.State.DONE, what="the redelivery")
    assert Snapshot.objects.filter(run=dead).count() == 13
    assert RecomputeRun.objects.count() == 1


def test_a_task_is_delivered_again_only_once_the_longest_job_could_have_ended():
    """Acknowledged late and redelivered when its worker is lost, but never while it may still run:
    the broker's visibility timeout outlasts the task time limit."""
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
