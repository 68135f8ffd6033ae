"""Background jobs that never hang: how a request hands work to the worker, how a worker holds a
job while it works, and how a job whose worker died is noticed and can be run again.

A job is a row with `state` (queued → running → done / failed, and any other finished states the
model adds), `started_at`, `heartbeat_at` and `finished_at` (ImportJob, indicators' RecomputeRun).

    run = RecomputeRun.objects.create(year=2025, ...)
    enqueue(recompute_indicators, run.pk, on_failure=lambda reason: ...)   # 503 if the queue is down

    # the task: whoever claims the row runs it; a redelivered task finds it done and does nothing
    lease = Lease.claim(RecomputeRun.objects.filter(pk=run_id))
    if lease is None:
        return
    for indicator in indicators:
        ...
        lease.beat()                   # LeaseLost if the job was failed or claimed meanwhile
    with transaction.atomic():
        Snapshot.objects.bulk_create(snapshots)
        lease.finish(state="done")     # LeaseLost rolls the results back: all or nothing

- `enqueue(task, *args, on_failure=...)`: publish once the caller's transaction commits, on a
  connection of its own that gives up quickly (`JOB_ENQUEUE_TIMEOUT_SECONDS`) and never retries. If
  the queue cannot take it, `on_failure(reason)` marks the job failed (so it is never "queued" for
  ever) and `QueueUnavailable` is raised: the API (core.api.exceptions) and the pages
  (`QueueUnavailableMiddleware`) answer 503 "the job queue is unavailable" within ~2 s.
- Leases: tasks are acknowledged late, so a task whose worker died is delivered again (after the
  broker's visibility timeout, which outlasts the longest job). Meanwhile a job "running" whose
  heartbeat is older than the lease (`JOB_LEASE_SECONDS`) lost its worker: `fail_lost` fails it with
  the reason, the next request for the same work proceeds, and a redelivered task finding it failed
  does nothing; one finding it still running after the lease, or queued, claims it and runs it
  again from the start (a job writes its results in one transaction, so nothing half-done stays).
  When only the worker's child dies (the OOM killer), the message is delivered again at once, finds
  the lease still live and does nothing: that job ends failed once its lease expires and someone
  reads it, and is run again on request. Nothing hangs; it is not always rerun by itself.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import stamp
from core.exceptions import ApplicationError

QUEUED, RUNNING, FAILED = "queued", "running", "failed"


def job_lease() -> timedelta:
    """A running job beats at least this often; one silent for longer lost its worker."""
    return timedelta(seconds=getattr(settings, "JOB_LEASE_SECONDS", 600))


#: The lease as configured when the process started (see job_lease() for the current setting).
LEASE = job_lease()


def lease_minutes() -> int:
    return max(1, round(job_lease().total_seconds() / 60))


def queue_wait() -> timedelta:
    """How long a job may stay queued before its message is taken for lost: the broker delivers an
    unacknowledged message again after its visibility timeout; past that and a lease, nothing will
    start it (the worker is not running, or the broker lost the message)."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    return timedelta(seconds=options.get("visibility_timeout", 3600)) + job_lease()


class QueueUnavailable(ApplicationError):
    def __init__(self, reason: str = ""):
        super().__init__(_("任务队列暂时不可用，请稍后再试。"), code="queue_unavailable", extra={"status": 503})
        self.reason = reason


class LeaseLost(Exception):
    """This delivery no longer holds the job: it was failed after its lease, or another delivery
    claimed it. The holder stops and writes nothing more."""


def enqueue(task, *args, on_failure=None, **kwargs) -> None:
    """Send `task` after the current transaction commits (at once outside one). Raises
    QueueUnavailable, after calling `on_failure(reason)`, when the broker does not take it."""

    def send():
        app = task.app
        if app.conf.task_always_eager:  # the quick start and unit tests: the task runs here and now
            task.apply_async(args=args, kwargs=kwargs)
            return
        timeout = getattr(settings, "JOB_ENQUEUE_TIMEOUT_SECONDS", 1.5)
        fast_fail = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
        try:
            with app.connection_for_write(connect_timeout=timeout, transport_options=fast_fail) as connection:
                # The job's row holds its outcome: no result is stored, so the result backend (the
                # same Redis, with its own slow retries) is not touched either.
                task.apply_async(args=args, kwargs=kwargs, connection=connection, retry=False, ignore_result=True)
        except Exception as exc:  # kombu/redis raise many kinds; all mean "not queued"
            reason = f"{exc.__class__.__name__}: {exc}"[:300]
            if on_failure is not None:
                on_failure(reason)
            raise QueueUnavailable(reason) from exc

    transaction.on_commit(send)


def lease_expired(heartbeat_at, *, now=None) -> bool:
    if heartbeat_at is None:
        return False
    return (now or timezone.now()) - heartbeat_at > job_lease()


def _lost(now) -> Q:
    """Running rows whose lease has expired (a row from before leases, with neither time, too)."""
    cutoff = now - job_lease()
    return Q(state=RUNNING) & (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True)
    )


class Lease:
    """One delivery's hold on one job row, from claim to finish. The claim's time is its token:
    every later write is conditional on it, so a delivery that lost the job cannot touch it."""

    def __init__(self, queryset, token):
        self.queryset, self.token = queryset, token

    @classmethod
    def claim(cls, queryset, *, now=None) -> "Lease | None":
        """Take the job if it is queued, or running with an expired lease (its worker died and the
        task was delivered again). None when it is finished or running under a live lease."""
        now = now or timezone.now()
        taken = queryset.filter(Q(state=QUEUED) | _lost(now)).update(
            state=RUNNING, started_at=now, heartbeat_at=now, finished_at=None, **stamp(queryset.model)
        )
        return cls(queryset, now) if taken else None

    def _mine(self):
        return self.queryset.filter(state=RUNNING, started_at=self.token)

    def beat(self, **fields) -> None:
        """Renew the lease (and write progress fields); LeaseLost if the job is no longer ours."""
        if not self._mine().update(heartbeat_at=timezone.now(), **fields, **stamp(self.queryset.model)):
            raise LeaseLost

    def finish(self, **fields) -> None:
        """Write the outcome (fields include the final `state`); call it inside the transaction that
        writes the results, so LeaseLost rolls them back."""
        if not self._mine().update(finished_at=timezone.now(), **fields, **stamp(self.queryset.model)):
            raise LeaseLost

    def fail(self, **fields) -> bool:
        """Record a failure (reason fields), if the job is still ours."""
        return bool(
            self._mine().update(state=FAILED, finished_at=timezone.now(), **fields, **stamp(self.queryset.model))
        )


def fail_lost(queryset, *, now=None, **reason) -> int:
    """Fail the jobs of `queryset` still running after their lease, with `reason` (e.g.
    message="…"): their worker died, and they can be run again."""
    now = now or timezone.now()
    return queryset.filter(_lost(now)).update(state=FAILED, finished_at=now, **reason, **stamp(queryset.model))


def fail_unstarted(queryset, *, since: str | tuple[str, ...], now=None, **reason) -> int:
    """Fail the jobs of `queryset` queued since before `queue_wait()`: measured from the first of the
    `since` fields that is set (a job queued again keeps its creation time but was queued later)."""
    now = now or timezone.now()
    fields = (since,) if isinstance(since, str) else since
    queued_since = Coalesce(*fields) if len(fields) > 1 else F(fields[0])
    return (
        queryset.filter(state=QUEUED)
        .alias(_queued_since=queued_since)
        .filter(_queued_since__lt=now - queue_wait())
        .update(state=FAILED, finished_at=now, **reason, **stamp(queryset.model))
    )


def cap(text: str, length: int) -> str:
    """A system message cut to fit its field, visibly."""
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


class QueueUnavailableMiddleware:
    """A page whose job could not be queued answers 503 with the reason (the API answers the same
    through core.api.exceptions); the job itself was already marked failed by `enqueue`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, QueueUnavailable):
            return None
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": exception.message, "code": exception.code}, status=503)
        else:
            response = render(request, "core/job_queue_unavailable.html", {"message": exception.message}, status=503)
        response["Retry-After"] = "60"
        return response
