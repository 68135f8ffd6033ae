"""The child's file (一人一档) and what hangs on it: categories over time, recognitions, visits;
and the configuration the bureau keeps: visit intervals per category and allowance standards."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.jurisdiction import JurisdictionQuerySet
from core.limits import REASON_MAX, date_range_constraint, money_range_constraint, text_length_constraint
from core.models import Division, Person, division_key

from .guardianship import RiskLevel

#: Plausible allowance amounts (元/month, per child): the bureau enters the standards; Fujian's are
#: in the low thousands, never below one yuan nor in five figures.
ALLOWANCE_MIN, ALLOWANCE_MAX = Decimal("1.00"), Decimal("20000.00")
#: Visit intervals the bureau may configure (days).
INTERVAL_MIN, INTERVAL_MAX = 7, 366


class CategoryCode(models.TextChoices):
    ORPHAN = "orphan", _("孤儿")
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported", _("事实无人抚养儿童")
    DISTRESS = "distress", _("困境儿童")
    LEFT_BEHIND = "left_behind", _("留守儿童")


#: Categories recognised through the workflow and paid the basic living allowance.
SUPPORTED = (CategoryCode.ORPHAN, CategoryCode.DE_FACTO_UNSUPPORTED)
#: Categories that describe the parents' situation: at most one of them at a time.
PARENTAL = (CategoryCode.ORPHAN, CategoryCode.DE_FACTO_UNSUPPORTED, CategoryCode.LEFT_BEHIND)


class ParentSituation(models.TextChoices):
    PRESENT = "present", _("在家履行抚养义务")
    DECEASED = "deceased", _("死亡")
    MISSING = "missing", _("失踪（查找不到）")
    SEVERE_DISABILITY = "severe_disability", _("重残")
    GRAVE_ILLNESS = "grave_illness", _("重病")
    IMPRISONED = "imprisoned", _("服刑在押")
    COMPULSORY_REHAB = "compulsory_rehab", _("强制隔离戒毒")
    RESTRICTED = "restricted", _("被执行其他限制人身自由的措施")
    GUARDIANSHIP_REVOKED = "guardianship_revoked", _("被撤销监护资格")
    WORKING_AWAY = "working_away", _("外出务工")
    UNABLE_TO_GUARD = "unable_to_guard", _("无监护能力")


class DistressReason(models.TextChoices):
    POVERTY = "poverty", _("家庭贫困")
    DISABILITY = "disability", _("自身残疾")
    GUARDIANSHIP = "guardianship", _("缺乏有效监护")


class CareSetting(models.TextChoices):
    INSTITUTION = "institution", _("机构养育")
    KINSHIP = "kinship", _("亲属抚养")
    FOSTER = "foster", _("家庭寄养")
    FAMILY = "family", _("父母（一方）照料")


class Child(models.Model):
    """一人一档: the file of a child (a core Person under 18 when opened)."""

    class CloseReason(models.TextChoices):
        NONE = "", _("在档")
        DEATH = "death", _("死亡")
        AGED_OUT = "aged_out", _("年满18周岁")
        ADOPTED = "adopted", _("被收养")
        OTHER = "other", _("其他")

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="child_file", verbose_name=_("儿童"))
    township = division_key(verbose_name=_("乡镇（街道）"), limit_choices_to={"level": Division.Level.TOWNSHIP})
    village = division_key(null=True, blank=True, verbose_name=_("村（社区）"))
    care_setting = models.CharField(_("养育方式"), max_length=20, choices=CareSetting.choices, db_index=True)
    guardian_name = models.CharField(_("监护人（照料人）"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("与儿童关系"), max_length=20, blank=True)
    guardian_phone = models.CharField(_("监护人联系电话"), max_length=20, blank=True)
    bank_account = models.CharField(_("发放账号"), max_length=40, blank=True)
    #: Recorded by the township: an orphan or de-facto unsupported child still in school keeps the
    #: allowance past 18 (特困人员认定办法 Art. 5 and the plan's extension to 18).
    in_school = models.BooleanField(_("在校就读"), default=False)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    opened_on = models.DateField(_("建档日期"))
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=20, choices=CloseReason.choices, blank=True)
    #: Kept by the services (visits and categories): the last visit and when the next is due.
    last_visit_on = models.DateField(_("最近走访"), null=True, blank=True)
    visit_due_on = models.DateField(_("下次走访期限"), null=True, blank=True, db_index=True)
    #: Set by the daily aging-out task when the 18th birthday is within 90 days.
    turning_18_flagged_on = models.DateField(_("满18周岁提醒日期"), null=True, blank=True)
    #: Kept by the guardianship services: the latest assessment's level and date, and, while a high
    #: risk awaits its follow-up visit, the day by which it is due (flagged once past).
    risk_level = models.CharField(
        _("监护风险等级"), max_length=10, choices=RiskLevel.choices, blank=True, db_index=True
    )
    risk_assessed_on = models.DateField(_("最近监护评估"), null=True, blank=True)
    risk_follow_up_due = models.DateField(_("高风险跟进期限"), null=True, blank=True, db_index=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("建档人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(
        excluded_fields=["updated_at", "last_visit_on", "visit_due_on", "risk_level", "risk_assessed_on",
                         "risk_follow_up_due"]
    )  # fmt: skip
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("儿童档案")
        verbose_name_plural = _("儿童档案")
        indexes = [
            models.Index(fields=["village"], name="child_village"),
            models.Index(fields=["township", "-id"], name="child_township_recent"),
            models.Index(fields=["closed_on", "visit_due_on"], name="child_open_visit_due"),
        ]
        constraints = [
            date_range_constraint("opened_on", name="child_opened_on_plausible"),
            date_range_constraint("closed_on", name="child_closed_on_plausible"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="child_closed_after_opened",
                violation_error_message=_("销档日期不能早于建档日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, close_reason="") | Q(closed_on__isnull=False) & ~Q(close_reason=""),
                name="child_closed_has_reason",
                violation_error_message=_("销档须同时填写日期和原因。"),
            ),
            text_length_constraint("note", REASON_MAX, name="child_note_length"),
        ]

    def __str__(self):
        return self.person.name

    def names_in_records(self) -> list[str]:
        """The names free text on this file may mention (visit findings, assessments): the child,
        the guardian on record and every carer, masked wherever the viewer's role masks names.
        Prefetch `carers` when reading many files."""
        return [self.person.name, self.guardian_name, *(carer.name for carer in self.carers.all())]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ChildCategory(models.Model):
    """One period in one category, with the parents' situation that qualifies it and the evidence.
    Categories overlap (a left-behind child may also be in distress) and change over time."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="categories", verbose_name=_("儿童"))
    code = models.CharField(_("类别"), max_length=30, choices=CategoryCode.choices, db_index=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=100, blank=True)
    father_situation = models.CharField(_("父亲情况"), max_length=30, choices=ParentSituation.choices, blank=True)
    mother_situation = models.CharField(_("母亲情况"), max_length=30, choices=ParentSituation.choices, blank=True)
    distress_reason = models.CharField(_("困境类型"), max_length=20, choices=DistressReason.choices, blank=True)
    evidence = models.TextField(_("认定依据（证明材料）"), blank=True)
    recognition = models.ForeignKey(
        "Recognition", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("认定申请")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = AuditHistory()
    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "child__township"

    class Meta:
        verbose_name = _("儿童类别")
        verbose_name_plural = _("儿童类别")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["code", "end"], name="childcategory_code_end"),
            # The registry's category filter: EXISTS (a child's period of this code) per child.
            models.Index(fields=["child", "code", "start"], name="childcategory_child_code"),
        ]
        constraints = [
            date_range_constraint("start", name="childcategory_start_plausible"),
            date_range_constraint("end", name="childcategory_end_plausible"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="childcategory_end_after_start",
                violation_error_message=_("终止日期不能早于起始日期。"),
            ),
            models.UniqueConstraint(
                fields=["child", "code"],
                condition=Q(end__isnull=True),
                name="childcategory_one_open_per_code",
                violation_error_message=_("该儿童已有一段未终止的同类别记录。"),
            ),
            text_length_constraint("evidence", REASON_MAX, name="childcategory_evidence_length"),
        ]

    def __str__(self):
        return f"{self.get_code_display()} {self.start}–{self.end or ''}"

    def active_on(self, day) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class Recognition(models.Model):
    """孤儿、事实无人抚养儿童认定: the guardian's application → township verification within 15
    working days → bureau confirmation within 15 working days (民发〔2019〕62号); no public notice."""

    class State(models.TextChoices):
        APPLIED = "applied", _("已申请，待乡镇核查")
        VERIFIED = "verified", _("乡镇已核查，待民政局确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("不予认定")
        WITHDRAWN = "withdrawn", _("已终止")

    OPEN_STATES = (State.APPLIED, State.VERIFIED)

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="recognitions", verbose_name=_("儿童"))
    kind = models.CharField(
        _("认定类别"), max_length=30, choices=[(c.value, c.label) for c in SUPPORTED], db_index=True
    )
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.APPLIED, db_index=True)
    applied_on = models.DateField(_("申请日期"))
    applicant_name = models.CharField(_("申请人（监护人）"), max_length=50)
    applicant_relation = models.CharField(_("与儿童关系"), max_length=20)
    applicant_phone = models.CharField(_("申请人联系电话"), max_length=20, blank=True)
    father_situation = models.CharField(_("父亲情况"), max_length=30, choices=ParentSituation.choices)
    mother_situation = models.CharField(_("母亲情况"), max_length=30, choices=ParentSituation.choices)
    evidence = models.TextField(_("证明材料"), blank=True)
    verify_due = models.DateField(_("核查期限"))
    verified_on = models.DateField(_("核查日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("核查人"),
    )  # fmt: skip
    verify_opinion = models.TextField(_("核查意见"), blank=True)
    confirm_due = models.DateField(_("确认期限"), null=True, blank=True)
    decided_on = models.DateField(_("确认（不予认定）日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("确认人"),
    )  # fmt: skip
    decision_opinion = models.TextField(_("确认意见（不予认定理由）"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "child__township"

    class Meta:
        verbose_name = _("孤儿（事实无人抚养儿童）认定")
        verbose_name_plural = _("孤儿（事实无人抚养儿童）认定")
        permissions = [
            ("verify_recognition", _("核查认定申请（乡镇）")),
            ("confirm_recognition", _("确认认定申请（民政局）")),
        ]
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["state", "verify_due"], name="recognition_state_due")]
        constraints = [
            date_range_constraint("applied_on", name="recognition_applied_on_plausible"),
            date_range_constraint("verified_on", name="recognition_verified_on_plausible"),
            date_range_constraint("decided_on", name="recognition_decided_on_plausible"),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(state__in=["applied", "verified"]),
                name="recognition_one_open_per_child",
                violation_error_message=_("该儿童已有一份正在办理的认定申请。"),
            ),
            models.CheckConstraint(
                condition=Q(state="applied")
                | Q(state="withdrawn")
                | Q(verified_on__isnull=False)
                | Q(state="rejected", decided_on__isnull=False),
                name="recognition_verified_has_date",
            ),
            text_length_constraint("evidence", REASON_MAX, name="recognition_evidence_length"),
            text_length_constraint("verify_opinion", REASON_MAX, name="recognition_verify_opinion_length"),
            text_length_constraint("decision_opinion", REASON_MAX, name="recognition_decision_opinion_length"),
        ]

    def __str__(self):
        return f"{self.child} {self.get_kind_display()} {self.get_state_display()}"


class Visit(models.Model):
    """走访: who visited, when, what they found and what follows."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="visits", verbose_name=_("儿童"))
    visited_on = models.DateField(_("走访日期"))
    visitor_name = models.CharField(_("走访人"), max_length=50)
    findings = models.TextField(_("走访情况"))
    follow_up = models.TextField(_("后续措施"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "child__township"

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["child", "-visited_on"], name="visit_child_recent")]
        constraints = [
            date_range_constraint("visited_on", name="visit_visited_on_plausible"),
            text_length_constraint("findings", REASON_MAX, name="visit_findings_length"),
            text_length_constraint("follow_up", REASON_MAX, name="visit_follow_up_length"),
        ]

    def __str__(self):
        return f"{self.child} {self.visited_on}"


class VisitInterval(models.Model):
    """How often a child of each category is visited (the shortest of the child's categories applies)."""

    code = models.CharField(_("类别"), max_length=30, choices=CategoryCode.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("走访间隔（天）"))

    class Meta:
        verbose_name = _("走访间隔")
        verbose_name_plural = _("走访间隔")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=INTERVAL_MIN, days__lte=INTERVAL_MAX), name="visitinterval_days_plausible"
            )
        ]

    def __str__(self):
        return f"{self.get_code_display()}: {self.days}"


class AllowanceStandard(models.Model):
    """基本生活保障标准 (元/人/月) with the date it takes effect; the bureau enters them."""

    class Kind(models.TextChoices):
        ORPHAN_INSTITUTION = "orphan_institution", _("机构养育孤儿")
        ORPHAN_SCATTERED = "orphan_scattered", _("社会散居孤儿")
        DE_FACTO = "de_facto", _("事实无人抚养儿童")

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    amount = models.DecimalField(_("标准（元/月）"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("文件依据"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("基本生活保障标准")
        verbose_name_plural = _("基本生活保障标准")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"],
                name="allowancestandard_one_per_day",
                violation_error_message=_("该类别在这一天已有生效的标准。"),
            ),
            money_range_constraint("amount", ALLOWANCE_MIN, ALLOWANCE_MAX, name="allowancestandard_amount_plausible"),
            date_range_constraint("effective_from", name="allowancestandard_effective_from_plausible"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.effective_from})"
