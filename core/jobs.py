"""Background jobs that never hang: how a request hands work to the worker, and how a job whose
worker died is noticed.

- `enqueue(task, *args, on_failure=...)`: publish once the caller's transaction commits, without
  retries and with a short broker timeout. If the queue cannot take it, `on_failure(reason)` marks
  the job failed (so it is never "queued" for ever) and `QueueUnavailable` is raised: the API and
  the pages answer 503 "the job queue is unavailable" within ~2 s instead of a 500 after 19 s.
- Leases: a job records when it started and beats a heartbeat while it works; a job still
  "running" whose heartbeat is older than `LEASE` lost its worker, and is failed so it can be run
  again (`lease_expired`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError

#: A running job beats at least this often; one silent for longer lost its worker.
LEASE = timedelta(seconds=getattr(settings, "JOB_LEASE_SECONDS", 600))


class QueueUnavailable(ApplicationError):
    def __init__(self, reason: str = ""):
        super().__init__(_("任务队列暂时不可用，请稍后再试。"), code="queue_unavailable", extra={"status": 503})
        self.reason = reason


def enqueue(task, *args, on_failure=None, **kwargs) -> None:
    """Send `task` after the current transaction commits (at once outside one). Raises
    QueueUnavailable, after calling `on_failure(reason)`, when the broker does not take it."""

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception as exc:  # kombu/redis raise many kinds; all mean "not queued"
            reason = f"{exc.__class__.__name__}: {exc}"[:500]
            if on_failure is not None:
                on_failure(reason)
            raise QueueUnavailable(reason) from exc

    transaction.on_commit(send)


def lease_expired(heartbeat_at, *, now=None) -> bool:
    if heartbeat_at is None:
        return False
    return (now or timezone.now()) - heartbeat_at > LEASE
