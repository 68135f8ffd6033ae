"""Social organisations, social work and volunteering (plan ch.3 §2–§4): the registry of social
organisations with their status changes, annual reports, grade evaluations, supervision records and
the two public lists; social workers and social-work stations; community comprehensive service
facilities and volunteer service records."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.jurisdiction import JurisdictionQuerySet
from core.limits import (
    NOTE_MAX,
    date_range_constraint,
    money_range_constraint,
    year_range_constraint,
)
from core.models import Division, Person, division_key

#: Registered capital (注册资金) a registry may hold: social organisations register from a few
#: thousand yuan (a private non-enterprise unit) to tens of millions (a foundation).
CAPITAL_MIN, CAPITAL_MAX = Decimal("0.00"), Decimal("10000000000.00")
#: A fine (罚款) in a sanction decision.
FINE_MIN, FINE_MAX = Decimal("0.01"), Decimal("10000000.00")
#: Floor area of one community comprehensive service facility, m².
AREA_MIN, AREA_MAX = Decimal("1.00"), Decimal("100000.00")
#: Hours of one volunteer service record (one activity on one day).
HOURS_MIN, HOURS_MAX = Decimal("0.5"), Decimal("24.0")
#: A grade evaluation stays valid this many years (GB/T and the Ministry's evaluation rules).
GRADE_VALID_YEARS = 5
#: Annual reports are due by this day of the following year.
REPORT_DUE = (5, 31)


def grade_valid_until(evaluated_on: datetime.date) -> datetime.date:
    """The last day a grade evaluated on `evaluated_on` is valid (five years less a day)."""
    try:
        end = evaluated_on.replace(year=evaluated_on.year + GRADE_VALID_YEARS)
    except ValueError:  # 29 February
        end = evaluated_on.replace(year=evaluated_on.year + GRADE_VALID_YEARS, day=28)
    return end - datetime.timedelta(days=1)


class OrganisationQuerySet(JurisdictionQuerySet):
    def standing_on(self, day: datetime.date):
        """Registered on or before `day`, and neither deregistered nor revoked on or before it."""
        return self.filter(registered_on__lte=day).exclude(deregistered_on__lte=day).exclude(revoked_on__lte=day)

    def with_grade(self, on: datetime.date):
        """Annotate `grade` and `grade_valid_until`: the latest evaluation valid on `on`, or None."""
        valid = GradeEvaluation.objects.filter(
            organisation=OuterRef("pk"), evaluated_on__lte=on, valid_until__gte=on
        ).order_by("-evaluated_on", "-id")
        return self.annotate(
            grade=Subquery(valid.values("grade")[:1]), grade_valid_until=Subquery(valid.values("valid_until")[:1])
        )

    def with_listing(self):
        """Annotate `on_abnormal_list` and `on_dishonest_list` (an entry not yet removed)."""
        current = ListEntry.objects.filter(organisation=OuterRef("pk"), removed_on__isnull=True)
        return self.annotate(
            on_abnormal_list=Exists(current.filter(kind=ListEntry.Kind.ABNORMAL)),
            on_dishonest_list=Exists(current.filter(kind=ListEntry.Kind.DISHONEST, confirmed_on__isnull=False)),
        )


class Organisation(models.Model):
    class Type(models.TextChoices):
        ASSOCIATION = "association", _("社会团体")
        SOCIAL_SERVICE_AGENCY = "social_service_agency", _("民办非企业单位（社会服务机构）")
        FOUNDATION = "foundation", _("基金会")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("正常登记")
        DEREGISTERED = "deregistered", _("已注销")
        REVOKED = "revoked", _("已撤销登记")

    #: GB 32100: the second character of a civil-affairs code names the type (51, 52, 53).
    TYPE_CHARACTER = {Type.ASSOCIATION: "1", Type.SOCIAL_SERVICE_AGENCY: "2", Type.FOUNDATION: "3"}

    name = models.CharField(_("名称"), max_length=100, unique=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    type = models.CharField(_("类型"), max_length=30, choices=Type.choices, db_index=True)
    registered_on = models.DateField(_("登记日期"))
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所在乡镇（街道）"))
    address = models.CharField(_("住所"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    business_scope = models.CharField(_("业务范围"), max_length=1000, blank=True)
    supervising_unit = models.CharField(_("业务主管单位"), max_length=100, blank=True)
    registered_capital = models.DecimalField(
        _("注册资金（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    party_organisation = models.BooleanField(_("已建立党组织"), default=False)
    party_organisation_on = models.DateField(_("党组织建立日期"), null=True, blank=True)
    charity = models.BooleanField(_("认定为慈善组织"), default=False)
    public_fundraising = models.BooleanField(_("具有公开募捐资格"), default=False)
    status = models.CharField(
        _("登记状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    deregistered_on = models.DateField(_("注销日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销登记日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    # Who changed a name, a credit code or a legal representative, and when (the status has its own
    # dated StatusChange rows besides).
    history = AuditHistory(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["township_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="registered", deregistered_on__isnull=True, revoked_on__isnull=True)
                | Q(status="deregistered", deregistered_on__isnull=False, revoked_on__isnull=True)
                | Q(status="revoked", revoked_on__isnull=False, deregistered_on__isnull=True),
                name="org_status_matches_dates",
                violation_error_message=_("登记状态与注销、撤销日期不一致。"),
            ),
            models.CheckConstraint(
                condition=Q(deregistered_on__isnull=True) | Q(deregistered_on__gte=models.F("registered_on")),
                name="org_deregistered_after_registered",
                violation_error_message=_("注销日期不能早于登记日期。"),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("registered_on")),
                name="org_revoked_after_registered",
                violation_error_message=_("撤销登记日期不能早于登记日期。"),
            ),
            models.CheckConstraint(
                condition=Q(party_organisation=True) | Q(party_organisation_on__isnull=True),
                name="org_party_date_needs_party",
                violation_error_message=_("未建立党组织时不填党组织建立日期。"),
            ),
            date_range_constraint("registered_on", name="org_registered_on_plausible"),
            date_range_constraint("deregistered_on", name="org_deregistered_on_plausible"),
            date_range_constraint("revoked_on", name="org_revoked_on_plausible"),
            date_range_constraint("party_organisation_on", name="org_party_on_plausible"),
            money_range_constraint("registered_capital", CAPITAL_MIN, CAPITAL_MAX, name="org_capital_plausible"),
        ]
        indexes = [
            models.Index(fields=["township", "type", "status"], name="org_township_type_status"),
            models.Index(fields=["registered_on"], name="org_registered_on"),
        ]

    def __str__(self):
        return self.name


class StatusChange(models.Model):
    """A dated change of an organisation's registration status (登记、注销、撤销), kept as its history."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("社会组织")
    )
    status = models.CharField(_("登记状态"), max_length=20, choices=Organisation.Status.choices)
    changed_on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "organisation__township"

    class Meta:
        verbose_name = _("登记状态变更")
        verbose_name_plural = _("登记状态变更")
        ordering = ["organisation_id", "changed_on", "id"]
        constraints = [date_range_constraint("changed_on", name="org_status_change_on_plausible")]

    def __str__(self):
        return f"{self.organisation_id} {self.status} {self.changed_on}"


class AnnualReport(models.Model):
    """One organisation's work report (年度工作报告) for one year, due by 31 May of the next."""

    class Result(models.TextChoices):
        PASSED = "passed", _("合格")
        BASIC = "basic", _("基本合格")
        FAILED = "failed", _("不合格")
        PENDING = "pending", _("待审查")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="annual_reports", verbose_name=_("社会组织")
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    submitted_on = models.DateField(_("报送日期"))
    result = models.CharField(_("审查结论"), max_length=10, choices=Result.choices, default=Result.PENDING)
    note = models.CharField(_("备注"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "organisation__township"

    class Meta:
        verbose_name = _("年度工作报告")
        verbose_name_plural = _("年度工作报告")
        ordering = ["-year", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="org_one_report_a_year",
                violation_error_message=_("该组织这一年度的工作报告已录入。"),
            ),
            year_range_constraint("year", name="org_report_year_plausible"),
            date_range_constraint("submitted_on", name="org_report_submitted_plausible"),
        ]
        indexes = [models.Index(fields=["year", "organisation"], name="org_report_year_org")]

    def __str__(self):
        return f"{self.organisation_id} {self.year}"

    @property
    def due_on(self) -> datetime.date:
        return datetime.date(self.year + 1, *REPORT_DUE)

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due_on


class GradeEvaluation(models.Model):
    """A grade evaluation (等级评估) 1A–5A, valid for five years."""

    class Grade(models.TextChoices):
        A1 = "1A", "1A"
        A2 = "2A", "2A"
        A3 = "3A", "3A"
        A4 = "4A", "4A"
        A5 = "5A", "5A"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grades", verbose_name=_("社会组织")
    )
    grade = models.CharField(_("评估等级"), max_length=2, choices=Grade.choices)
    evaluated_on = models.DateField(_("评估日期"))
    valid_until = models.DateField(_("有效期至"))
    note = models.CharField(_("备注"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "organisation__township"

    class Meta:
        verbose_name = _("等级评估")
        verbose_name_plural = _("等级评估")
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "evaluated_on"],
                name="org_one_grade_a_day",
                violation_error_message=_("该组织在这一天已有评估结果。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("evaluated_on")),
                name="org_grade_valid_after_evaluated",
                violation_error_message=_("有效期应晚于评估日期。"),
            ),
            date_range_constraint("evaluated_on", name="org_grade_evaluated_plausible"),
            date_range_constraint("valid_until", name="org_grade_valid_until_plausible"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.grade}"


class Supervision(models.Model):
    """Inspections and sanctions as dated records: 双随机抽查, audits, warnings, fines and others."""

    class Kind(models.TextChoices):
        RANDOM_INSPECTION = "random_inspection", _("“双随机、一公开”抽查")
        AUDIT = "audit", _("财务审计")
        INTERVIEW = "interview", _("约谈")
        WARNING = "warning", _("警告")
        FINE = "fine", _("罚款")
        SUSPENSION = "suspension", _("限期停止活动")
        OTHER = "other", _("其他")

    class Result(models.TextChoices):
        NO_ISSUE = "no_issue", _("未发现问题")
        RECTIFY = "rectify", _("责令整改")
        RECTIFIED = "rectified", _("已整改")
        PENALISED = "penalised", _("已处罚")

    SANCTIONS = (Kind.WARNING, Kind.FINE, Kind.SUSPENSION)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("社会组织")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    done_on = models.DateField(_("日期"))
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    fine = models.DecimalField(_("罚款金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("情况说明"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "organisation__township"

    class Meta:
        verbose_name = _("监督检查与处罚")
        verbose_name_plural = _("监督检查与处罚")
        ordering = ["-done_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="fine", fine__isnull=False) | (~Q(kind="fine") & Q(fine__isnull=True)),
                name="org_supervision_fine_only_for_fines",
                violation_error_message=_("罚款应填写金额，其他类型不填金额。"),
            ),
            date_range_constraint("done_on", name="org_supervision_on_plausible"),
            money_range_constraint("fine", FINE_MIN, FINE_MAX, name="org_supervision_fine_plausible"),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.kind} {self.done_on}"


class ListEntry(models.Model):
    """An organisation on the abnormal-activity list (活动异常名录) or the serious dishonesty list
    (严重违法失信名单). Both lists are public: an entry holds no personal data. An entry made by the
    1 June task for a missing report names its year; a dishonesty entry proposed after two full
    years on the abnormal list waits for the bureau's confirmation before it is public."""

    class Kind(models.TextChoices):
        ABNORMAL = "abnormal", _("活动异常名录")
        DISHONEST = "dishonest", _("严重违法失信名单")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="list_entries", verbose_name=_("社会组织")
    )
    kind = models.CharField(_("名录"), max_length=10, choices=Kind.choices)
    listed_on = models.DateField(_("列入日期"))
    reason = models.CharField(_("列入事由"), max_length=NOTE_MAX)
    #: The annual report year whose absence put the organisation on the abnormal list, if that was the cause.
    missing_report_year = models.PositiveSmallIntegerField(_("未报年度"), null=True, blank=True)
    #: A dishonesty entry is proposed by the task and public from the day the bureau confirms it.
    confirmed_on = models.DateField(_("决定日期"), null=True, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出事由"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "organisation__township"

    class Meta:
        verbose_name = _("名录记录")
        verbose_name_plural = _("名录记录")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(removed_on__isnull=True),
                name="org_one_open_entry_per_list",
                violation_error_message=_("该组织已在此名录中。"),
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")),
                name="org_entry_removed_after_listed",
                violation_error_message=_("移出日期不能早于列入日期。"),
            ),
            models.CheckConstraint(
                condition=Q(kind="dishonest") | Q(confirmed_on__isnull=True),
                name="org_entry_confirm_only_dishonest",
                violation_error_message=_("只有严重违法失信名单需要决定日期。"),
            ),
            date_range_constraint("listed_on", name="org_entry_listed_plausible"),
            date_range_constraint("removed_on", name="org_entry_removed_plausible"),
            date_range_constraint("confirmed_on", name="org_entry_confirmed_plausible"),
        ]
        indexes = [models.Index(fields=["kind", "removed_on"], name="org_entry_kind_removed")]

    def __str__(self):
        return f"{self.organisation_id} {self.kind} {self.listed_on}"

    @property
    def public(self) -> bool:
        return self.kind == self.Kind.ABNORMAL or self.confirmed_on is not None


class AnnualReportCheck(models.Model):
    """One run of the 1 June annual report check for a report year: idempotent per year, with what
    it did (the organisations it listed and flagged)."""

    year = models.PositiveSmallIntegerField(_("报告年度"), unique=True)
    run_on = models.DateField(_("检查日期"))
    listed = models.PositiveIntegerField(_("列入活动异常名录"), default=0)
    flagged = models.PositiveIntegerField(_("拟列入严重违法失信名单"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), auto_now=True)

    class Meta:
        verbose_name = _("年报检查")
        verbose_name_plural = _("年报检查")
        ordering = ["-year"]
        constraints = [year_range_constraint("year", name="org_report_check_year_plausible")]

    def __str__(self):
        return str(self.year)


class SocialWorker(models.Model):
    """A social work professional on record (持证社会工作者)."""

    class Level(models.TextChoices):
        ASSISTANT = "assistant", _("助理社会工作师")
        SOCIAL_WORKER = "social_worker", _("社会工作师")
        SENIOR = "senior", _("高级社会工作师")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("人员"))
    level = models.CharField(_("职业水平等级"), max_length=20, choices=Level.choices)
    certificate_no = models.CharField(_("证书编号"), max_length=30, unique=True)
    certified_year = models.PositiveSmallIntegerField(_("取得证书年份"))
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所在乡镇（街道）"))
    left_on = models.DateField(_("调离或注销日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("社会工作专业人才")
        verbose_name_plural = _("社会工作专业人才")
        ordering = ["township_id", "-certified_year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "level"],
                name="org_worker_one_record_per_level",
                violation_error_message=_("此人已有该等级的记录。"),
            ),
            year_range_constraint("certified_year", name="org_worker_year_plausible"),
            date_range_constraint("left_on", name="org_worker_left_plausible"),
        ]
        indexes = [
            models.Index(fields=["township"], name="org_worker_township"),
            models.Index(fields=["certified_year", "left_on"], name="org_worker_year_left"),
        ]

    def __str__(self):
        return self.certificate_no


class SocialWorkStation(models.Model):
    """A township's social-work station (乡镇（街道）社工站; Table 3 item 7 aims at all 26)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹建中")
        OPERATING = "operating", _("运营中")
        CLOSED = "closed", _("已停止运营")

    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("乡镇（街道）"))
    name = models.CharField(_("名称"), max_length=100, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    closed_on = models.DateField(_("停止运营日期"), null=True, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("驻站社工人数"), default=0)
    operator = models.CharField(_("运营机构"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("社工站")
        verbose_name_plural = _("社工站")
        ordering = ["township_id", "name"]
        indexes = [models.Index(fields=["township"], name="org_station_township")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="operating") | Q(opened_on__isnull=False, closed_on__isnull=True),
                name="org_station_operating_has_open_date",
                violation_error_message=_("运营中的社工站应有启用日期且没有停止运营日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False),
                name="org_station_closed_has_date",
                violation_error_message=_("已停止运营的社工站请填写停止运营日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=False, closed_on__gte=models.F("opened_on")),
                name="org_station_closed_after_opened",
                violation_error_message=_("停止运营日期应晚于启用日期。"),
            ),
            models.CheckConstraint(condition=Q(staff_count__lte=500), name="org_station_staff_plausible"),
            date_range_constraint("opened_on", name="org_station_opened_plausible"),
            date_range_constraint("closed_on", name="org_station_closed_plausible"),
        ]

    def __str__(self):
        return self.name


class CommunityFacilityQuerySet(JurisdictionQuerySet):
    def in_use_on(self, day: datetime.date):
        return self.filter(in_use_from__lte=day).filter(Q(in_use_to__isnull=True) | Q(in_use_to__gt=day))


class CommunityFacility(models.Model):
    """A village's or community's comprehensive service facility (社区综合服务设施), and the volunteer
    service station it hosts."""

    village = division_key(limit_choices_to={"level": Division.Level.VILLAGE}, verbose_name=_("村（社区）"))
    #: The village's township, kept with the row so the jurisdiction filter needs no join.
    township = division_key(editable=False, verbose_name=_("乡镇（街道）"))
    name = models.CharField(_("名称"), max_length=100)
    floor_area_m2 = models.DecimalField(_("建筑面积（平方米）"), max_digits=9, decimal_places=2)
    in_use_from = models.DateField(_("投入使用日期"))
    in_use_to = models.DateField(_("停止使用日期"), null=True, blank=True)
    volunteer_station_since = models.DateField(_("设立志愿服务站日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CommunityFacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区综合服务设施")
        verbose_name_plural = _("社区综合服务设施")
        ordering = ["township_id", "village_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"],
                name="org_facility_name_unique_in_village",
                violation_error_message=_("该村（社区）已有同名设施。"),
            ),
            models.CheckConstraint(
                condition=Q(in_use_to__isnull=True) | Q(in_use_to__gt=models.F("in_use_from")),
                name="org_facility_to_after_from",
                violation_error_message=_("停止使用日期应晚于投入使用日期。"),
            ),
            models.CheckConstraint(
                condition=Q(volunteer_station_since__isnull=True)
                | Q(volunteer_station_since__gte=models.F("in_use_from")),
                name="org_facility_station_after_in_use",
                violation_error_message=_("志愿服务站不能早于设施投入使用。"),
            ),
            date_range_constraint("in_use_from", name="org_facility_from_plausible"),
            date_range_constraint("in_use_to", name="org_facility_to_plausible"),
            date_range_constraint("volunteer_station_since", name="org_facility_station_plausible"),
            money_range_constraint("floor_area_m2", AREA_MIN, AREA_MAX, name="org_facility_area_plausible"),
        ]
        indexes = [
            models.Index(fields=["township"], name="org_facility_township"),
            models.Index(fields=["in_use_from", "in_use_to"], name="org_facility_in_use"),
        ]

    def __str__(self):
        return self.name


class VolunteerRecord(models.Model):
    """One volunteer's service on one day (志愿服务记录): what, how long, organised by whom."""

    volunteer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("志愿者"))
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("服务所在乡镇（街道）"))
    activity = models.CharField(_("服务内容"), max_length=200)
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1)
    organiser = models.CharField(_("组织单位"), max_length=100)
    facility = models.ForeignKey(
        CommunityFacility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_records",
        verbose_name=_("志愿服务站点"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-served_on", "-id"]
        constraints = [
            date_range_constraint("served_on", name="org_volunteer_served_plausible"),
            money_range_constraint("hours", HOURS_MIN, HOURS_MAX, name="org_volunteer_hours_plausible"),
        ]
        indexes = [
            models.Index(fields=["township"], name="org_volunteer_township"),
            models.Index(fields=["volunteer", "served_on"], name="org_volunteer_person_day"),
        ]

    def __str__(self):
        return f"{self.volunteer_id} {self.served_on}"
