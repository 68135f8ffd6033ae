"""A recompute holds a lease (core.jobs): one whose worker died is failed with the reason once the
lease has expired, the next request for that year runs, and a task delivered again does the right
thing for the state it finds (issue 10, item 9). The real worker killed mid-run is in
tests/integration/test_worker_killed.py."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from indicators.models import RecomputeRun, Snapshot
from indicators.providers import PROVIDERS, Actual, register
from indicators.services.recompute import recompute_request, recompute_run
from indicators.tasks import recompute_indicators


@pytest.fixture
def providers():
    saved = dict(PROVIDERS)
    PROVIDERS.clear()

    @register(7)
    def eco(year, as_of):
        return Actual(None, note="x")

    yield PROVIDERS
    PROVIDERS.clear()
    PROVIDERS.update(saved)


@pytest.fixture
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = 60
    return timedelta(seconds=60)


def _running(staff, *, silent_for: timedelta, year=2021) -> RecomputeRun:
    """A run a worker started and then went silent (killed): running, its last beat long ago."""
    then = timezone.now() - silent_for
    return RecomputeRun.objects.create(
        year=year, as_of=date(year, 12, 31), requested_by=staff, state=RecomputeRun.State.RUNNING,
        started_at=then, heartbeat_at=then,
    )  # fmt: skip


def test_an_expired_run_is_failed_with_the_reason_and_the_next_request_runs(
    staff, providers, short_lease, django_capture_on_commit_callbacks
):
    dead = _running(staff, silent_for=timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the new run runs on commit
        run, created = recompute_request(user=staff, year=2021)
    dead.refresh_from_db()
    assert created and run.pk != dead.pk
    assert dead.state == RecomputeRun.State.FAILED and "没有响应" in dead.error and dead.finished_at
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.DONE and run.snapshots.count() == 13
    assert not dead.snapshots.exists()


def test_a_run_under_a_live_lease_still_answers_the_same_request(staff, providers, short_lease):
    alive = _running(staff, silent_for=timedelta(seconds=5))
    run, created = recompute_request(user=staff, year=2021)
    assert (run.pk, created) == (alive.pk, False)
    alive.refresh_from_db()
    assert alive.state == RecomputeRun.State.RUNNING


def test_a_run_left_queued_past_the_visibility_timeout_is_failed_and_the_year_is_free(
    staff, providers, short_lease, settings
):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60}
    lost = RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), requested_by=staff)
    RecomputeRun.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - timedelta(minutes=3))
    _run, created = recompute_request(user=staff, year=2021)
    lost.refresh_from_db()
    assert created and lost.state == RecomputeRun.State.FAILED and "排队" in lost.error


def test_the_status_api_shows_the_failure_once_the_lease_has_expired(staff, client_for, short_lease):
    dead = _running(staff, silent_for=timedelta(minutes=5))
    body = client_for(staff).get(f"/api/v1/indicators/recompute/{dead.pk}/").json()
    assert body["status"] == "failed" and "没有响应" in body["error"]


def test_the_dashboard_status_shows_the_failure_and_its_reason(staff, client_for, short_lease):
    dead = _running(staff, silent_for=timedelta(minutes=5))
    html = client_for(staff).get(f"/indicators/runs/{dead.pk}/").content.decode()
    assert "失败" in html and "没有响应" in html


def test_a_redelivered_task_leaves_a_done_or_failed_run_alone(staff, providers):
    done = RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), state=RecomputeRun.State.DONE)
    failed = RecomputeRun.objects.create(year=2022, as_of=date(2022, 12, 31), state=RecomputeRun.State.FAILED)
    assert recompute_indicators.apply(args=[done.pk]).get() == "done"
    assert recompute_indicators.apply(args=[failed.pk]).get() == "failed"
    assert not Snapshot.objects.exists()


def test_a_redelivered_task_restarts_a_run_whose_worker_died_and_skips_one_still_alive(staff, providers, short_lease):
    dead = _running(staff, silent_for=timedelta(minutes=5))
    assert recompute_indicators.apply(args=[dead.pk]).get() == "done"
    assert dead.snapshots.count() == 13
    alive = _running(staff, silent_for=timedelta(seconds=5), year=2022)
    assert recompute_indicators.apply(args=[alive.pk]).get() == "running"
    assert not alive.snapshots.exists()


def test_a_run_that_lost_its_lease_while_working_writes_nothing(staff, providers, short_lease):
    """The worker was slow past its lease, the run was failed meanwhile: its late results must not
    resurrect it (a new run may already own the year)."""
    run = RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), requested_by=staff)

    @register(8)
    def slow(year, as_of):
        RecomputeRun.objects.filter(pk=run.pk).update(state=RecomputeRun.State.FAILED, error="租约已过期")
        return Actual(None)

    result = recompute_run(run)
    assert result.state == RecomputeRun.State.FAILED and result.error == "租约已过期"
    assert not Snapshot.objects.exists()


def test_a_running_run_beats_while_it_computes(staff, providers):
    beats = []
    run = RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), requested_by=staff)

    @register(9)
    def watch(year, as_of):
        beats.append(RecomputeRun.objects.get(pk=run.pk).heartbeat_at)
        return Actual(None)

    recompute_run(run)
    run.refresh_from_db()
    assert beats[0] is not None and run.heartbeat_at > beats[0]
    assert run.started_at <= beats[0] and run.finished_at >= run.heartbeat_at


def test_a_status_request_for_a_job_that_is_not_a_number_answers_404(staff, client_for):
    assert client_for(staff).get("/api/v1/indicators/recompute/abc/").status_code == 404
