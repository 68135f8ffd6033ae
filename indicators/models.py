"""The plan's indicators (专栏2, Table 2), the previous plan's results (专栏1, Table 1) and the key
projects (专栏3, Table 3), loaded verbatim from indicators/data/*.csv by a data migration.

Computed actuals, snapshots, approvals and the dashboard build on these (the indicators issue)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.limits import REASON_MAX, text_length_constraint, year_range_constraint
from core.models import division_key

PLAN_YEARS = range(2021, 2026)


def in_language(chinese: str, english: str) -> str:
    """The plan's reference text as the plan writes it (Chinese), or its English translation when
    the page is in English and one exists."""
    return english if english and (get_language() or "").startswith("en") else chinese


class Indicator(models.Model):
    class Attribute(models.TextChoices):
        BINDING = "binding", _("约束性")
        EXPECTED = "expected", _("预期性")

    no = models.PositiveSmallIntegerField(_("序号"), primary_key=True)
    name_zh = models.CharField(_("指标名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=10)
    #: Blank where the plan prints "—".
    baseline_2020 = models.DecimalField(_("2020年基数"), max_digits=10, decimal_places=2, null=True, blank=True)
    attribute = models.CharField(_("属性"), max_length=10, choices=Attribute.choices, db_index=True)
    owner_app = models.CharField(_("责任模块"), max_length=20)
    derivation = models.TextField(_("计算口径"), blank=True)
    derivation_en = models.TextField(_("计算口径（英文）"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("规划指标")
        verbose_name_plural = _("规划指标")
        ordering = ["no"]
        constraints = [text_length_constraint("derivation", REASON_MAX, name="indicator_derivation_length")]

    def __str__(self):
        return f"{self.no}. {self.name_zh}"

    @property
    def display_name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    @property
    def display_derivation(self) -> str:
        return in_language(self.derivation, self.derivation_en)


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    #: Null where the plan sets no value for the year (indicator 13 has only 2025).
    value = models.DecimalField(_("目标值"), max_digits=10, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2021, year__lte=2025), name="target_plan_year"),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.year}: {self.value}"


class PreviousPlanResult(models.Model):
    """Table 1 as printed: its cells mix figures and sentences, so they are kept as text."""

    no = models.CharField(_("序号"), max_length=5, primary_key=True)
    name_zh = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=20)
    value_2015 = models.CharField(_("2015年"), max_length=100, blank=True)
    target_2020 = models.CharField(_("2020年目标"), max_length=200, blank=True)
    actual_2020 = models.CharField(_("2020年完成"), max_length=100, blank=True)
    #: Where the plan disagrees with itself (eco-burial 89 vs 98; social workers 181 vs 323).
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("“十三五”主要指标完成情况")
        verbose_name_plural = _("“十三五”主要指标完成情况")

    def __str__(self):
        return f"{self.no}. {self.name_zh}"


class KeyProject(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("未开工")
        IN_PROGRESS = "in_progress", _("推进中")
        COMPLETED = "completed", _("已完成")
        DELAYED = "delayed", _("滞后")

    no = models.PositiveSmallIntegerField(_("序号"), primary_key=True)
    category = models.CharField(_("类别"), max_length=20)
    name = models.CharField(_("项目名称"), max_length=100)
    content = models.TextField(_("建设内容"))
    measurable_target = models.CharField(_("可衡量目标"), max_length=200, blank=True)
    name_en = models.CharField(_("项目名称（英文）"), max_length=200, blank=True)
    content_en = models.TextField(_("建设内容（英文）"), blank=True)
    measurable_target_en = models.CharField(_("可衡量目标（英文）"), max_length=200, blank=True)
    status = models.CharField(_("进展状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    milestones = models.TextField(_("里程碑"), blank=True)
    notes = models.TextField(_("备注"), blank=True)
    updated_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("更新人")
    )
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["no"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="keyproject_progress_0_100"),
            text_length_constraint("content", REASON_MAX, name="keyproject_content_length"),
            text_length_constraint("milestones", REASON_MAX, name="keyproject_milestones_length"),
            text_length_constraint("notes", REASON_MAX, name="keyproject_notes_length"),
        ]

    def __str__(self):
        return f"{self.no}. {self.name}"

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    @property
    def display_content(self) -> str:
        return in_language(self.content, self.content_en)

    @property
    def display_target(self) -> str:
        return in_language(self.measurable_target, self.measurable_target_en)


class BaseStatistic(models.Model):
    """Population figures the providers divide by, entered or imported by bureau staff: city-wide
    (no township) and per township where known."""

    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    township = division_key(
        null=True, blank=True, limit_choices_to={"level": "township"}, verbose_name=_("乡镇（街道）")
    )
    resident_population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)
    population_60_plus = models.PositiveIntegerField(_("60岁及以上人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("填报人")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("基础统计数据")
        verbose_name_plural = _("基础统计数据")
        ordering = ["-year", "township"]
        indexes = [models.Index(fields=["township"], name="basestat_township")]
        constraints = [
            models.UniqueConstraint(fields=["year", "township"], name="basestat_one_per_township_year"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(township__isnull=True), name="basestat_one_citywide_per_year"
            ),
            models.CheckConstraint(
                condition=Q(population_60_plus__isnull=True)
                | Q(resident_population__isnull=True)
                | Q(population_60_plus__lte=models.F("resident_population")),
                name="basestat_60_plus_within_population",
            ),
            year_range_constraint("year", name="basestat_year_plausible"),
        ]

    def __str__(self):
        return f"{self.year} {self.township or _('全市')}"


class RecomputeRun(models.Model):
    """One recompute of every indicator for a year. Its snapshots are written in one transaction:
    a crash leaves the previous complete run, never half a run."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    year = models.PositiveSmallIntegerField(_("年份"))
    as_of = models.DateField(_("截至日期"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    requested_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("发起人")
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    #: The lease (core.jobs): the worker beats after every indicator; a run silent past the lease
    #: lost its worker and is failed, so it never holds its year for ever.
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("指标计算")
        verbose_name_plural = _("指标计算")
        ordering = ["-requested_at"]
        constraints = [
            # The same request twice while one is under way does not start a second run.
            models.UniqueConstraint(
                fields=["year"], condition=Q(state__in=["queued", "running"]), name="recompute_one_active_per_year"
            ),
            year_range_constraint("year", name="recompute_year_plausible"),
        ]

    def __str__(self):
        return f"{self.year} #{self.pk} {self.get_state_display()}"


class Snapshot(models.Model):
    """One indicator's computed actual in one run; a provider that failed records its error here."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("计算"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("实际值"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField(_("分子"), max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("计算说明"), blank=True)
    detail = models.JSONField(_("明细"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        constraints = [
            models.UniqueConstraint(fields=["run", "indicator"], name="snapshot_one_per_run"),
            year_range_constraint("year", name="snapshot_year_plausible"),
        ]
        indexes = [models.Index(fields=["indicator", "year", "-computed_at"], name="snapshot_latest")]

    def __str__(self):
        return f"{self.indicator_id}/{self.year}: {self.value}"


class ManualValue(models.Model):
    """A value entered by hand, with its source and reason (indicator 13, or a provider lacking
    data). It never silently overrides a computed value: see ValueChoice."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="manual_values", verbose_name=_("指标")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    source = models.CharField(_("数据来源"), max_length=200)
    reason = models.CharField(_("录入原因"), max_length=300)
    entered_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人"))
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人工录入值")
        verbose_name_plural = _("人工录入值")
        ordering = ["-entered_at"]
        indexes = [models.Index(fields=["indicator", "year", "-entered_at"], name="manual_latest")]
        constraints = [year_range_constraint("year", name="manual_value_year_plausible")]

    def __str__(self):
        return f"{self.indicator_id}/{self.year}: {self.value}"


class ValueChoice(models.Model):
    """Which value counts for an indicator and year: an explicit, logged choice (append-only; the
    latest row is in force)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统计算值")
        MANUAL = "manual", _("人工录入值")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.CharField(_("采用"), max_length=10, choices=Source.choices)
    reason = models.CharField(_("理由"), max_length=300)
    chosen_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("选择人"))
    chosen_at = models.DateTimeField(_("选择时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("采用值选择")
        verbose_name_plural = _("采用值选择")
        ordering = ["-chosen_at"]
        constraints = [year_range_constraint("year", name="value_choice_year_plausible")]

    def __str__(self):
        return f"{self.indicator_id}/{self.year}: {self.source}"


class YearApproval(models.Model):
    """Bureau staff approve a year's figures: the approved run is what reports and the dashboard
    show for that year. A later recompute is a draft beside it until approved again. Append-only:
    the latest approval of a year is in force, unless a later manual value or choice voided it."""

    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    run = models.ForeignKey(RecomputeRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("计算"))
    approved_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"), auto_now_add=True)
    #: A manual value or a choice of source entered for the year after it was approved voids the
    #: approval (who, when, what changed): the year shows as needing approval again until someone
    #: approves it anew (a new row). Never cleared.
    voided_at = models.DateTimeField(_("失效时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("修改人")
    )
    void_reason = models.CharField(_("失效原因"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度数据批准")
        verbose_name_plural = _("年度数据批准")
        ordering = ["-approved_at"]
        constraints = [year_range_constraint("year", name="year_approval_year_plausible")]

    def __str__(self):
        return f"{self.year} #{self.run_id}"

    @property
    def in_force(self) -> bool:
        return self.voided_at is None
