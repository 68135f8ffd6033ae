"""Recompute runs: queue one per year, then compute every indicator into snapshots."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, RecomputeRun, Snapshot
from indicators.providers import PROVIDERS, NoData

logger = logging.getLogger(__name__)


def _as_of(year: int) -> date:
    today = timezone.localdate()
    return date(year, 12, 31) if year < today.year else today


def recompute_request(*, user, year: int) -> tuple[RecomputeRun, bool]:
    """Queue a recompute of every indicator for `year`; returns (run, created). While a run for
    that year is queued or running, the same request returns it instead of starting another."""
    if not 2020 <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("年份应在2020年到今年之间。")]})
    existing = RecomputeRun.objects.filter(
        year=year, state__in=[RecomputeRun.State.QUEUED, RecomputeRun.State.RUNNING]
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            run = RecomputeRun.objects.create(year=year, as_of=_as_of(year), requested_by=user)
    except IntegrityError:  # a concurrent request won the race: return its run
        return RecomputeRun.objects.get(
            year=year, state__in=[RecomputeRun.State.QUEUED, RecomputeRun.State.RUNNING]
        ), False
    from indicators.tasks import recompute_indicators

    transaction.on_commit(lambda: recompute_indicators.delay(run.pk))
    return run, True


def recompute_run(run: RecomputeRun) -> RecomputeRun:
    """Compute every indicator and write all snapshots in one transaction. A provider that fails
    records its error on its own row; the others still complete."""
    if run.state not in {RecomputeRun.State.QUEUED, RecomputeRun.State.RUNNING}:
        return run
    RecomputeRun.objects.filter(pk=run.pk).update(state=RecomputeRun.State.RUNNING, started_at=timezone.now())
    snapshots = []
    try:
        for indicator in Indicator.objects.order_by("no"):
            snapshots.append(_compute(indicator, run))
        with transaction.atomic():
            Snapshot.objects.bulk_create(snapshots)
            RecomputeRun.objects.filter(pk=run.pk).update(state=RecomputeRun.State.DONE, finished_at=timezone.now())
    except Exception as exc:
        RecomputeRun.objects.filter(pk=run.pk).update(
            state=RecomputeRun.State.FAILED, finished_at=timezone.now(), error=f"{exc.__class__.__name__}: {exc}"
        )
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
