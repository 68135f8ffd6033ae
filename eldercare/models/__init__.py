"""Elderly care (plan ch.5): care institutions with dated bed counts, community facilities, and
capability assessments of older people (GB/T 42195-2022).

Indicators 2–4 are computed from these records only (eldercare.indicators): an institution or a
facility "operates on" a day when it opened on or before it and did not close on or before it; a
bed figure on a day is the institution's latest count dated on or before it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint
from core.models import Division, Person, division_key
from eldercare.assessment import PART_MAX
from eldercare.models.filing import FiledUnderPersonTownship

#: Plausible sizes (the services say the range, the database enforces it). Nan'an's largest planned
#: home has 350 beds (plan Table 3, 南安市老年人养护院); no single institution has thousands.
BEDS_MAX = 5000
#: Care-risk events (跌倒、噎食、自杀自伤、走失…) in 30 days: a count a person can plausibly have.
RISK_EVENTS_MAX = 30


class OperatingQuerySet(JurisdictionQuerySet):
    def operating_on(self, day):
        """Opened on or before `day` and not closed on or before it (plan Table 2 "at year end")."""
        return self.filter(opened_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    def all_three_functions(self):
        return self.filter(full_time_care=True, day_care=True, home_visits=True)


class Status(models.TextChoices):
    PLANNED = "planned", _("筹建中")
    OPERATING = "operating", _("运营中")
    SUSPENDED = "suspended", _("暂停服务")
    CLOSED = "closed", _("已关闭")


def _status_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=False, closed_on__gte=models.F("opened_on")),
            name=f"{prefix}_closed_after_opened",
        ),
        models.CheckConstraint(
            condition=~Q(status__in=["operating", "suspended"]) | Q(opened_on__isnull=False, closed_on__isnull=True),
            name=f"{prefix}_operating_has_open_date",
        ),
        models.CheckConstraint(
            condition=~Q(status="closed") | Q(closed_on__isnull=False), name=f"{prefix}_closed_has_date"
        ),
        models.CheckConstraint(
            condition=~Q(status="planned") | Q(closed_on__isnull=True), name=f"{prefix}_planned_not_closed"
        ),
        date_range_constraint("opened_on", name=f"{prefix}_opened_on_plausible"),
        date_range_constraint("closed_on", name=f"{prefix}_closed_on_plausible"),
    ]


def _status_errors(obj) -> dict:
    errors = {}
    if obj.closed_on and (not obj.opened_on or obj.closed_on < obj.opened_on):
        errors["closed_on"] = _("关闭日期应不早于开业日期。")
    if obj.status in (Status.OPERATING, Status.SUSPENDED) and (not obj.opened_on or obj.closed_on):
        errors["opened_on"] = _("运营中（或暂停服务）的应有开业日期且没有关闭日期。")
    if obj.status == Status.CLOSED and not obj.closed_on:
        errors["closed_on"] = _("已关闭的请填写关闭日期。")
    if obj.status == Status.PLANNED and obj.closed_on:
        errors["closed_on"] = _("筹建中的没有关闭日期。")
    return errors


class Institution(models.Model):
    """养老机构: a residential care home registered with the bureau."""

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("公办")
        PRIVATE = "private", _("民办")
        PUBLIC_BUILT_PRIVATE_RUN = "public_private", _("公建民营")

    name = models.CharField(_("机构名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    ownership = models.CharField(_("性质"), max_length=20, choices=Ownership.choices, db_index=True)
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所在乡镇（街道）"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING, db_index=True)
    #: GB/T 37276-2018 养老机构等级划分与评定: levels 1–5.
    star_grade = models.PositiveSmallIntegerField(_("等级（星级）"), null=True, blank=True, db_index=True)
    graded_on = models.DateField(_("评定日期"), null=True, blank=True)
    medical_care = models.BooleanField(_("医养结合"), default=False)
    full_time_care = models.BooleanField(_("全托"), default=True)
    day_care = models.BooleanField(_("日托"), default=False)
    home_visits = models.BooleanField(_("上门服务"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = OperatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("养老机构")
        verbose_name_plural = _("养老机构")
        ordering = ["township_id", "name"]
        constraints = [
            *_status_constraints("institution"),
            models.CheckConstraint(
                condition=Q(star_grade__isnull=True) | Q(star_grade__gte=1, star_grade__lte=5),
                name="institution_grade_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(star_grade__isnull=True, graded_on__isnull=True)
                | Q(star_grade__isnull=False, graded_on__isnull=False),
                name="institution_grade_has_date",
            ),
            date_range_constraint("graded_on", name="institution_graded_on_plausible"),
        ]
        indexes = [
            models.Index(fields=["township", "status"], name="institution_township_status"),
            models.Index(fields=["opened_on", "closed_on"], name="institution_operating"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = _status_errors(self)
        if self.star_grade is not None and not (1 <= self.star_grade <= 5):
            errors["star_grade"] = _("等级应为 1 至 5 星。")
        if self.star_grade is not None and not self.graded_on:
            errors["graded_on"] = _("填写了等级，请同时填写评定日期。")
        if self.graded_on and self.star_grade is None:
            errors["star_grade"] = _("填写了评定日期，请同时填写等级。")
        if errors:
            raise ValidationError(errors)

    @property
    def all_three_functions(self) -> bool:
        return self.full_time_care and self.day_care and self.home_visits


class BedCount(models.Model):
    """The institution's beds on a date (a count is never overwritten: a later count is a new row,
    so any year-end figure can be recomputed)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="bed_counts", verbose_name=_("养老机构")
    )
    as_of = models.DateField(_("统计日期"))
    total_beds = models.PositiveIntegerField(_("床位总数"))
    #: 护理型床位 (plan indicators 2 and 3).
    nursing_beds = models.PositiveIntegerField(_("护理型床位"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "institution__township"

    class Meta:
        verbose_name = _("床位统计")
        verbose_name_plural = _("床位统计")
        ordering = ["institution_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "as_of"], name="bedcount_one_per_day"),
            models.CheckConstraint(
                condition=Q(nursing_beds__lte=models.F("total_beds")), name="bedcount_nursing_within_total"
            ),
            models.CheckConstraint(condition=Q(total_beds__lte=BEDS_MAX), name="bedcount_total_plausible"),
            date_range_constraint("as_of", name="bedcount_as_of_plausible"),
        ]
        indexes = [models.Index(fields=["institution", "-as_of"], name="bedcount_latest")]

    def __str__(self):
        return f"{self.institution} {self.as_of:%Y-%m-%d}: {self.nursing_beds}/{self.total_beds}"

    def clean(self):
        if self.nursing_beds is not None and self.total_beds is not None and self.nursing_beds > self.total_beds:
            raise ValidationError({"nursing_beds": _("护理型床位不能多于床位总数。")})


class CommunityFacility(models.Model):
    """Community elderly-care facilities. They carry the three service functions too: plan
    indicator 4 counts any 养老服务机构 in the township with 全托+日托+上门, and the plan's own
    examples of such centres are community ones (ch.5 §2: 社区嵌入式养老服务中心 with 全日托养、
    日间照料、上门服务; Table 3: 农村区域性养老服务中心 with 全托、日托、上门服务)."""

    class Kind(models.TextChoices):
        COMPREHENSIVE_CENTRE = "centre", _("综合养老服务中心（社区嵌入式/农村区域性）")
        HOME_CARE_STATION = "station", _("居家社区养老服务站")
        DAY_CARE_CENTRE = "day_care", _("日间照料中心")
        HAPPINESS_HOME = "happiness", _("农村幸福院")
        CANTEEN = "canteen", _("长者食堂")
        MEAL_POINT = "meal_point", _("老年人助餐点")

    #: Plan Table 3: at least one new canteen or meal point a year.
    MEAL_KINDS = (Kind.CANTEEN, Kind.MEAL_POINT)

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所在乡镇（街道）"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING, db_index=True)
    full_time_care = models.BooleanField(_("全托"), default=False)
    day_care = models.BooleanField(_("日托"), default=False)
    home_visits = models.BooleanField(_("上门服务"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = OperatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区养老服务设施")
        verbose_name_plural = _("社区养老服务设施")
        ordering = ["township_id", "kind", "name"]
        constraints = [
            *_status_constraints("communityfacility"),
            models.UniqueConstraint(fields=["township", "name"], name="communityfacility_name_per_township"),
        ]
        indexes = [models.Index(fields=["township", "kind"], name="commfacility_township_kind")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = _status_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def all_three_functions(self) -> bool:
        return self.full_time_care and self.day_care and self.home_visits


class Assessment(FiledUnderPersonTownship):
    """老年人能力评估 per GB/T 42195-2022: the four part scores (or the 26 items, summed into them),
    the adjustments, and the level the standard gives (eldercare.assessment). Never edited: a new
    assessment is a new row, so the history stays."""

    class Level(models.IntegerChoices):
        INTACT = 0, _("能力完好")
        MILD = 1, _("轻度失能")
        MODERATE = 2, _("中度失能")
        SEVERE = 3, _("重度失能")
        COMPLETE = 4, _("完全失能")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("老年人"))
    assessed_on = models.DateField(_("评估日期"))
    self_care = models.PositiveSmallIntegerField(_("自理能力"))
    basic_motion = models.PositiveSmallIntegerField(_("基础运动能力"))
    mental_state = models.PositiveSmallIntegerField(_("精神状态"))
    perception_social = models.PositiveSmallIntegerField(_("感知觉与社会参与"))
    #: The 26 item scores when they were entered ({"eating": 4, ...}); empty when only parts were.
    items = models.JSONField(_("评估项目得分"), default=dict, blank=True)
    coma = models.BooleanField(_("昏迷"), default=False)
    dementia_or_mental_disorder = models.BooleanField(_("确诊认知障碍/痴呆或精神科专科疾病"), default=False)
    risk_events_30d = models.PositiveSmallIntegerField(_("近30天照护风险事件次数"), default=0)
    total = models.PositiveSmallIntegerField(_("总分"))
    level = models.PositiveSmallIntegerField(_("能力等级"), choices=Level.choices, db_index=True)
    assessor = models.CharField(_("评估员"), max_length=50)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("老年人能力评估")
        verbose_name_plural = _("老年人能力评估")
        constraints = [
            models.CheckConstraint(
                condition=Q(self_care__lte=PART_MAX["self_care"]), name="assessment_self_care_range"
            ),
            models.CheckConstraint(
                condition=Q(basic_motion__lte=PART_MAX["basic_motion"]), name="assessment_basic_motion_range"
            ),
            models.CheckConstraint(
                condition=Q(mental_state__lte=PART_MAX["mental_state"]), name="assessment_mental_state_range"
            ),
            models.CheckConstraint(
                condition=Q(perception_social__lte=PART_MAX["perception_social"]),
                name="assessment_perception_social_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    total=models.F("self_care")
                    + models.F("basic_motion")
                    + models.F("mental_state")
                    + models.F("perception_social")
                ),
                name="assessment_total_is_sum",
            ),
            models.CheckConstraint(condition=Q(level__lte=4), name="assessment_level_0_to_4"),
            models.CheckConstraint(
                condition=Q(risk_events_30d__lte=RISK_EVENTS_MAX), name="assessment_risk_events_range"
            ),
            date_range_constraint("assessed_on", name="assessment_assessed_on_plausible"),
        ]
        indexes = [
            models.Index(fields=["person", "-assessed_on", "-id"], name="assessment_person_latest"),
            models.Index(fields=["-assessed_on", "-id"], name="assessment_recent"),
            models.Index(fields=["township", "-assessed_on", "-id"], name="assessment_township_recent"),
        ]

    def __str__(self):
        return f"{self.person} {self.assessed_on:%Y-%m-%d} {self.get_level_display()}"


from eldercare.models.subsidies import Subsidy, SubsidyKind, SubsidyStandard  # noqa: E402, F401
from eldercare.models.visits import Visit, VisitGroup, VisitInterval, VisitTarget  # noqa: E402, F401


class InstitutionListing(models.Model):
    """An institution on the red list (守信激励) or the black list (失信惩戒, plan ch.5: 加快养老服务领域
    社会信用体系和失信联合惩戒机制建设), with the reason and dates; kept when removed."""

    class Kind(models.TextChoices):
        RED = "red", _("红名单")
        BLACK = "black", _("黑名单")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="listings", verbose_name=_("养老机构")
    )
    kind = models.CharField(_("名单"), max_length=5, choices=Kind.choices)
    reason = models.CharField(_("列入事由"), max_length=500)
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出事由"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "institution__township"

    class Meta:
        verbose_name = _("养老机构红黑名单")
        verbose_name_plural = _("养老机构红黑名单")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"], condition=Q(removed_on__isnull=True), name="listing_one_open_per_institution"
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")),
                name="listing_removed_after_listed",
            ),
            date_range_constraint("listed_on", name="listing_listed_on_plausible"),
            date_range_constraint("removed_on", name="listing_removed_on_plausible"),
        ]

    def __str__(self):
        return f"{self.institution} {self.get_kind_display()} {self.listed_on:%Y-%m-%d}"


#: Plan ch.5 §3 (养老人才队伍建设): 3,000 person-times of care-worker training and 20 of heads of
#: institutions over the plan period (2021–2025).
TRAINING_AIMS = {"care_worker": 3000, "institution_head": 20}
TRAINING_PERIOD = (2021, 2025)
TRAINEES_MAX = 2000


class TrainingSession(models.Model):
    """One training course held on a day, with how many people it trained (人次)."""

    class Audience(models.TextChoices):
        CARE_WORKER = "care_worker", _("养老护理员")
        INSTITUTION_HEAD = "institution_head", _("养老院院长")

    title = models.CharField(_("培训课程"), max_length=100)
    audience = models.CharField(_("培训对象"), max_length=20, choices=Audience.choices, db_index=True)
    held_on = models.DateField(_("培训日期"))
    trainees = models.PositiveIntegerField(_("培训人次"))
    organiser = models.CharField(_("承办单位"), max_length=100, blank=True)
    township = division_key(
        null=True, blank=True, limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("乡镇（街道）")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("养老人才培训")
        verbose_name_plural = _("养老人才培训")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["township"], name="training_township")]
        constraints = [
            models.CheckConstraint(
                condition=Q(trainees__gte=1, trainees__lte=TRAINEES_MAX), name="training_trainees_range"
            ),
            date_range_constraint("held_on", name="training_held_on_plausible"),
        ]

    def __str__(self):
        return f"{self.title} {self.held_on:%Y-%m-%d}"


from eldercare.models.adaptations import Device, HomeAdaptation  # noqa: E402, F401
