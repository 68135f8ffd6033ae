"""Recompute runs: queue one per year, then compute every indicator into snapshots. A run is a job
with a lease (core.jobs): one whose worker died is failed with the reason when the lease expires,
and the next request for its year starts a new run instead of returning the dead one."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import touch
from core.exceptions import FieldErrors
from core.jobs import Lease, LeaseLost, enqueue, fail_lost, fail_unstarted, lease_minutes, queue_wait
from core.limits import check_year
from indicators.models import Indicator, RecomputeRun, Snapshot
from indicators.providers import PROVIDERS, NoData
from indicators.tasks import recompute_indicators

logger = logging.getLogger(__name__)

ACTIVE = [RecomputeRun.State.QUEUED, RecomputeRun.State.RUNNING]


def _as_of(year: int) -> date:
    today = timezone.localdate()
    return date(year, 12, 31) if year < today.year else today


def recompute_runs_expire(queryset) -> int:
    """Fail the runs whose worker died (running past the lease) or that never started (queued
    past core.jobs.queue_wait()), with the reason; their year is free for a new run."""
    lost = _("计算中断：后台进程超过 %(m)d 分钟没有响应（可能已重启或被终止），没有写入任何结果。可重新发起计算。")
    unstarted = _("排队超过 %(m)d 分钟仍未开始（后台进程可能没有运行，或任务消息已丢失），可重新发起计算。")
    return fail_lost(queryset, error=lost % {"m": lease_minutes()}) + fail_unstarted(
        queryset, since="requested_at", error=unstarted % {"m": round(queue_wait().total_seconds() / 60)}
    )


def recompute_request(*, user, year: int) -> tuple[RecomputeRun, bool]:
    """Queue a recompute of every indicator for `year`; returns (run, created). While a run for
    that year is queued or running under a live lease, the same request returns it instead of
    starting another. With the job queue down the new run is failed with the reason and
    core.jobs.QueueUnavailable is raised (503)."""
    errors = FieldErrors()
    check_year(errors, "year", year, earliest=2020, latest=timezone.localdate().year)
    errors.raise_if_any()
    recompute_runs_expire(RecomputeRun.objects.filter(year=year))
    existing = RecomputeRun.objects.filter(year=year, state__in=ACTIVE).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            run = RecomputeRun.objects.create(year=year, as_of=_as_of(year), requested_by=user)
    except IntegrityError:  # a concurrent request won the race: return its run
        return RecomputeRun.objects.get(year=year, state__in=ACTIVE), False
    enqueue(recompute_indicators, run.pk, on_failure=lambda reason: _queue_failed(run, reason))
    return run, True


def _queue_failed(run: RecomputeRun, reason: str) -> None:
    RecomputeRun.objects.filter(pk=run.pk, state=RecomputeRun.State.QUEUED).update(
        state=RecomputeRun.State.FAILED,
        finished_at=timezone.now(),
        error=_("任务队列不可用，计算未能提交（%(reason)s）。可稍后重新发起计算。") % {"reason": reason},
    )


def recompute_run(run: RecomputeRun) -> RecomputeRun:
    """Compute every indicator and write all snapshots in one transaction. A provider that fails
    records its error on its own row; the others still complete. The run is computed by whoever
    claims it (core.jobs.Lease): a finished run, or one running elsewhere under a live lease, is
    returned as it is; one whose lease was lost meanwhile writes nothing."""
    lease = Lease.claim(RecomputeRun.objects.filter(pk=run.pk))
    if lease is None:
        run.refresh_from_db()
        return run
    snapshots = []
    try:
        for indicator in Indicator.objects.order_by("no"):
            snapshots.append(_compute(indicator, run))
            lease.beat()
        with transaction.atomic():
            Snapshot.objects.bulk_create(snapshots)
            touch(Indicator, [s.indicator_id for s in snapshots])  # their API detail shows the new values
            lease.finish(state=RecomputeRun.State.DONE)
    except LeaseLost:
        pass  # failed after its lease, or claimed by a redelivery: nothing of this run was written
    except Exception as exc:
        lease.fail(error=f"{exc.__class__.__name__}: {exc}")
        raise
    run.refresh_from_db()
    return run


def _compute(indicator: Indicator, run: RecomputeRun) -> Snapshot:
    snapshot = Snapshot(run=run, indicator=indicator, year=run.year, computed_at=timezone.now())
    provider = PROVIDERS.get(indicator.no)
    if provider is None:
        snapshot.error = _("没有自动计算来源：请录入人工值。")
        return snapshot
    try:
        # A savepoint: a provider's failed query must not poison the run's connection.
        with transaction.atomic():
            actual = provider(run.year, run.as_of)
    except NoData as exc:
        snapshot.error = str(exc) or _("该年度缺少计算所需的数据。")
    except Exception as exc:  # one provider's bug must not stop the other twelve
        logger.exception("indicator %s provider failed", indicator.no)
        snapshot.error = f"{exc.__class__.__name__}: {exc}"
    else:
        snapshot.value, snapshot.numerator, snapshot.denominator = actual.value, actual.numerator, actual.denominator
        snapshot.note, snapshot.detail = actual.note, actual.detail
    return snapshot
