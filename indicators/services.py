import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Division
from indicators.models import (
    BaseStatistic,
    Indicator,
    KeyProject,
    ManualValue,
    RecomputeRun,
    Snapshot,
    ValueChoice,
    YearApproval,
)
from indicators.providers import PROVIDERS, NoData

logger = logging.getLogger(__name__)

FIELDS = ("resident_population", "population_60_plus", "households", "source")


@transaction.atomic
def base_statistic_save(*, user, year: int, township: Division | None = None, **values) -> BaseStatistic:
    """Create or update the figures of one year (city-wide when township is None)."""
    errors: dict[str, list[str]] = {}
    if not 2015 <= year <= 2035:
        errors["year"] = [_("年份应在2015–2035之间。")]
    if township is not None and township.level != Division.Level.TOWNSHIP:
        errors["township"] = [_("请选择乡镇（街道）。")]
    population, older = values.get("resident_population"), values.get("population_60_plus")
    if population is not None and older is not None and older > population:
        errors["population_60_plus"] = [_("60岁及以上人口不能多于常住人口。")]
    if errors:
        raise ValidationError(errors)
    stat = BaseStatistic.objects.select_for_update().filter(year=year, township=township).order_by("pk").first()
    stat = stat or BaseStatistic(year=year, township=township)
    for field in FIELDS:
        if field in values:
            setattr(stat, field, values[field])
    stat.updated_by = user
    stat.full_clean(validate_unique=False, validate_constraints=False)
    stat.save()
    return stat


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


def manual_value_enter(*, user, indicator: Indicator, year: int, value, source: str, reason: str) -> ManualValue:
    errors = {}
    if not 2020 <= year <= 2025:
        errors["year"] = [_("年份应在2020–2025之间。")]
    if not (source or "").strip():
        errors["source"] = [_("请填写数据来源。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写录入原因。")]
    if errors:
        raise ValidationError(errors)
    return ManualValue.objects.create(
        indicator=indicator, year=year, value=value, source=source.strip(), reason=reason.strip(), entered_by=user
    )


def value_choose(*, user, indicator: Indicator, year: int, source: str, reason: str) -> ValueChoice:
    """Record which value counts; choosing the manual value needs one to exist."""
    if source not in ValueChoice.Source.values:
        raise ValidationError({"source": [_("应为 computed 或 manual。")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请说明采用理由。")]})
    if source == ValueChoice.Source.MANUAL and not ManualValue.objects.filter(indicator=indicator, year=year).exists():
        raise ValidationError({"source": [_("该年度没有人工录入值。")]})
    return ValueChoice.objects.create(
        indicator=indicator, year=year, source=source, reason=reason.strip(), chosen_by=user
    )


def year_approve(*, user, year: int) -> YearApproval:
    """Approve the latest complete run of a year."""
    run = RecomputeRun.objects.filter(year=year, state=RecomputeRun.State.DONE).order_by("-finished_at", "-pk").first()
    if run is None:
        raise ValidationError({"year": [_("该年度还没有完成的计算，无法批准。")]})
    return YearApproval.objects.create(year=year, run=run, approved_by=user)


@transaction.atomic
def key_project_update(*, user, project: KeyProject, **values) -> KeyProject:
    allowed = {"status", "progress", "milestones", "notes"}
    if set(values) - allowed:
        raise TypeError(f"unknown key project fields: {sorted(set(values) - allowed)}")
    for field, value in values.items():
        setattr(project, field, value)
    if project.progress is None or not 0 <= project.progress <= 100:
        raise ValidationError({"progress": [_("完成进度应在0–100之间。")]})
    if project.status == KeyProject.Status.COMPLETED and project.progress != 100:
        raise ValidationError({"progress": [_("已完成的项目进度应为100%。")]})
    project.updated_by, project.updated_at = user, timezone.now()
    project.full_clean()
    project.save()
    return project
