"""Assistance cases from application to decision: the household's members and income as applied,
the documents, the frozen decision, every state change and the objections raised under notice.

Rules cited by article are from 最低生活保障审核确认办法 (民政部 2021), 特困人员认定办法 (2021) and
社会救助暂行办法."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assistance.models.standards import STANDARD_MONEY_MAX, STANDARD_MULTIPLE_MAX, Standard
from core.jurisdiction import JurisdictionQuerySet
from core.limits import REASON_MAX, date_range_constraint, money_range_constraint, text_length_constraint
from core.models import Household, Person, division_key

#: A temporary-assistance request (元). The amount granted is capped by the multiple of the dibao
#: standard in force (calculation.py), and a request may exceed that cap (a large medical bill): the
#: bound is the largest cap the standards' own bounds allow, 24 × 10,000. Anything above it can never
#: be granted and is a typing slip (99,999,999.99).
REQUESTED_AMOUNT_MIN, REQUESTED_AMOUNT_MAX = Decimal("1"), STANDARD_MULTIPLE_MAX * STANDARD_MONEY_MAX
#: One monthly income item of an applying household (元/month): an applicant earning more than
#: 100,000 a month from one source is a typing slip, not a case to compute.
INCOME_MONTHLY_MAX = Decimal("100000")
#: One asset (元): a house, a vehicle, deposits. 100 million is past anything an applicant owns.
ASSET_VALUE_MAX = Decimal("100000000")

#: Every date a case carries: in the bureau's window (core.limits) in the database; the services say
#: which narrower range applies (an application is not in the future, and so on).
CASE_DATES = ("applied_on", "accepted_on", "investigation_due", "decision_due", "investigated_on", "reviewed_on",
              "notice_start", "notice_end", "decided_on", "exit_until", "ended_on", "next_recheck")  # fmt: skip
#: The free text of a case, each a reason or a paragraph: at most core.limits.REASON_MAX characters.
CASE_TEXTS = ("reason", "investigation_note", "opinion", "refusal_reason", "extension_reason", "end_reason")


class Case(models.Model):
    class Kind(models.TextChoices):
        DIBAO = "dibao", _("最低生活保障")
        TEKUN = "tekun", _("特困供养")
        EDGE = "edge", _("低保边缘家庭")
        TEMPORARY = "temporary", _("临时救助")

    class Subtype(models.TextChoices):
        NONE = "", _("—")
        CENTRALISED = "centralised", _("集中供养")
        DISPERSED = "dispersed", _("分散供养")
        EMERGENCY = "emergency", _("急难型")
        EXPENDITURE = "expenditure", _("支出型")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACCEPTED = "accepted", _("已受理")
        INVESTIGATED = "investigated", _("已调查")
        REVIEWED = "reviewed", _("乡镇已审核")
        NOTICE = "notice", _("公示中")
        REFUSED = "refused", _("不予认定")
        ACTIVE = "active", _("在保")
        SUSPENDED = "suspended", _("暂停")
        GRADUAL_EXIT = "gradual_exit", _("渐退")
        ENDED = "ended", _("已终止")

    class SelfCare(models.TextChoices):
        NONE = "", _("—")
        ABLE = "able", _("生活自理")
        PARTLY = "partly", _("部分丧失生活自理能力")
        FULLY = "fully", _("完全丧失生活自理能力")

    class Verification(models.TextChoices):
        PENDING = "", _("未核对")
        PASSED = "passed", _("核对通过")
        FAILED = "failed", _("核对不符")

    #: Before the decision: the states of the township review queue.
    PENDING_STATES = (State.ACCEPTED, State.INVESTIGATED, State.REVIEWED, State.NOTICE)
    #: Waiting for a step with a deadline: the review queue (case_pending_due names them too).
    QUEUE_STATES = (State.DRAFT, *PENDING_STATES)
    #: A household is "in" a case in these states (for the one-case-per-person rule).
    OPEN_STATES = (State.DRAFT, *PENDING_STATES, State.ACTIVE, State.SUSPENDED, State.GRADUAL_EXIT)
    #: Paid monthly in these states.
    PAYING_STATES = (State.ACTIVE, State.GRADUAL_EXIT)
    #: Re-checked on their next_recheck date (rechecks_due; the index case_recheck_due names them too).
    RECHECKED_STATES = (State.ACTIVE, State.SUSPENDED, State.GRADUAL_EXIT)
    #: Kinds limited to one open case per household (Art. 8 single coverage aside).
    EXCLUSIVE_KINDS = (Kind.DIBAO, Kind.TEKUN)

    # The kind and the state are indexed by Meta (case_kind, case_state_kind): a choice needs no
    # pattern (LIKE) index, and each index is paid for on every case an import writes.
    kind = models.CharField(_("救助类别"), max_length=12, choices=Kind.choices)
    subtype = models.CharField(_("细类"), max_length=12, choices=Subtype.choices, blank=True, default="")
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.DRAFT)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases", verbose_name=_("家庭"))
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人"))
    township = division_key(verbose_name=_("乡镇（街道）"))
    village = division_key(null=True, blank=True, verbose_name=_("村（社区）"))
    reason = models.TextField(_("申请理由"), blank=True, max_length=REASON_MAX)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    self_care = models.CharField(_("生活自理能力"), max_length=8, choices=SelfCare.choices, blank=True, default="")
    requested_amount = models.DecimalField(
        _("申请金额（元，临时救助）"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    applied_on = models.DateField(_("申请日期"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    #: 审核确认办法 Art. 15: investigation starts within 3 working days of acceptance.
    investigation_due = models.DateField(_("调查期限"), null=True, blank=True)
    #: the whole case: 20 working days where townships confirm, 45 when extended (Art. 22, 2022 notice)
    limit_days = models.PositiveSmallIntegerField(_("办结时限（工作日）"), default=20)
    extension_reason = models.TextField(_("延期理由"), max_length=REASON_MAX, blank=True)
    decision_due = models.DateField(_("办结期限"), null=True, blank=True)  # case_queue, case_pending_due

    investigated_on = models.DateField(_("入户调查日期"), null=True, blank=True)
    investigators = models.CharField(_("调查人员"), max_length=200, blank=True, help_text=_("至少两人，用顿号分隔"))
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调查登记人"),
    )
    #: The user accounts of the people named as investigators, on every investigation of the case
    #: (an objection's new investigation adds to them): none of them may confirm it (审核与调查分离).
    investigator_accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("调查人员账号")
    )
    verification = models.CharField(_("经济状况核对"), max_length=8, choices=Verification.choices, blank=True)
    investigation_note = models.TextField(_("调查情况"), blank=True, max_length=REASON_MAX)
    #: 先行救助: emergency temporary assistance paid before the paperwork is complete.
    paperwork_pending = models.BooleanField(_("待补办手续"), default=False)

    opinion = models.TextField(_("乡镇审核意见"), blank=True, max_length=REASON_MAX)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    proposed_amount = models.DecimalField(
        _("拟发放金额（元/月）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)
    #: 公示期补录: the notice was entered less than 7 days before the confirmation (its stated dates
    #: were back-dated); the confirmation's comment says why. Leaders and the bureau review the list.
    notice_backfilled = models.BooleanField(_("公示期补录"), default=False)

    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予认定理由"), blank=True, max_length=REASON_MAX)
    decision = models.ForeignKey(
        "Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("现行认定")
    )
    exit_until = models.DateField(_("渐退截止"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.TextField(_("终止/暂停原因"), max_length=REASON_MAX, blank=True)

    #: Art. 31: yearly for stable households, every 6 months where income is irregular.
    recheck_months = models.PositiveSmallIntegerField(
        _("核查周期（月）"), default=12, choices=[(12, _("每年")), (6, _("每半年"))]
    )
    next_recheck = models.DateField(_("下次核查日期"), null=True, blank=True)  # case_recheck_due
    recheck_reason = models.CharField(_("核查原因"), max_length=200, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("救助案件")
        verbose_name_plural = _("救助案件")
        permissions = [
            ("investigate_case", _("可以登记入户调查")),
            ("review_case", _("可以审核、公示和变更救助案件")),
            ("confirm_case", _("可以审核确认或不予认定救助案件")),
            ("view_notice_backfill", _("可以查看公示期补录名单")),
        ]
        indexes = [
            models.Index(fields=["township", "state", "decision_due"], name="case_queue"),
            models.Index(fields=["township", "kind", "state", "-id"], name="case_list"),
            models.Index(fields=["state", "kind"], name="case_state_kind"),
            models.Index(fields=["kind"], name="case_kind"),
            models.Index(fields=["village", "state"], name="case_village_state"),
            models.Index(
                fields=["township", "-decided_on"], condition=Q(notice_backfilled=True), name="case_backfilled"
            ),
            # The city's review queue in deadline order, and the home page's count of those past it:
            # only the cases still waiting (every ended case has a deadline in the past).
            models.Index(
                fields=["decision_due", "id"],
                name="case_pending_due",
                condition=Q(state__in=["draft", "accepted", "investigated", "reviewed", "notice"]),  # QUEUE_STATES
            ),
            # The re-checks due (their page, the home page's two counts): only the cases that are
            # re-checked, with the township in the index, so a count reads no table row.
            models.Index(
                fields=["next_recheck", "township"],
                name="case_recheck_due",
                condition=Q(state__in=["active", "suspended", "gradual_exit"]),  # Case.RECHECKED_STATES
            ),
        ]
        constraints = [
            # One open dibao/tekun case per household (services check every member by person too).
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(kind__in=["dibao", "tekun"])
                & Q(
                    state__in=sorted(
                        [
                            "draft",
                            "accepted",
                            "investigated",
                            "reviewed",
                            "notice",
                            "active",
                            "suspended",
                            "gradual_exit",
                        ]
                    )
                ),
                name="case_one_open_exclusive_per_household",
            ),
            models.CheckConstraint(condition=Q(limit_days__gte=1, limit_days__lte=45), name="case_limit_at_most_45"),
            models.CheckConstraint(
                condition=Q(state="refused") | Q(refusal_reason=""), name="case_refusal_reason_only_when_refused"
            ),
            money_range_constraint(
                "requested_amount", REQUESTED_AMOUNT_MIN, REQUESTED_AMOUNT_MAX, name="case_requested_amount_plausible"
            ),
            *[date_range_constraint(field, name=f"case_{field}_plausible") for field in CASE_DATES],
            *[text_length_constraint(field, REASON_MAX, name=f"case_{field}_length") for field in CASE_TEXTS],
        ]

    def __str__(self):
        return _("%(kind)s #%(id)s %(name)s") % {"kind": self.get_kind_display(), "id": self.pk, "name": self.applicant}

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING_STATES


class CaseMember(models.Model):
    """The household's members as they were at application, with whether each is covered."""

    # Indexed by case_member_once, which leads with the case.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="members", verbose_name=_("案件"), db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="case_memberships", verbose_name=_("成员")
    )
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Household.Relation.choices)
    covered = models.BooleanField(_("纳入保障"), default=True)

    class Meta:
        verbose_name = _("案件成员")
        verbose_name_plural = _("案件成员")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_member_once")]

    def __str__(self):
        return f"{self.case_id} · {self.person}"


class IncomeItem(models.Model):
    """A monthly income item of the household (Art. 10–11: some kinds are not counted)."""

    class Kind(models.TextChoices):
        WAGES = "wages", _("工资性收入")
        BUSINESS = "business", _("经营净收入")
        PROPERTY = "property", _("财产净收入")
        TRANSFER = "transfer", _("转移净收入（赡养费、养老金等）")
        OTHER = "other", _("其他应计收入")
        # Art. 11: not counted as household income.
        PREFERENTIAL = "preferential", _("优待抚恤金（不计入）")
        FAMILY_PLANNING = "family_planning", _("计划生育奖励与扶助金（不计入）")
        AWARD = "award", _("奖学金、见义勇为等奖励性补助（不计入）")
        ASSISTANCE = "assistance", _("政府发放的社会救助款物（不计入）")
        BASIC_PENSION = "basic_pension", _("城乡居民基本养老保险基础养老金（不计入）")
        DISABILITY_ALLOWANCE = "disability_allowance", _("残疾人两项补贴（不计入）")

    NOT_COUNTED = frozenset(
        {
            Kind.PREFERENTIAL,
            Kind.FAMILY_PLANNING,
            Kind.AWARD,
            Kind.ASSISTANCE,
            Kind.BASIC_PENSION,
            Kind.DISABILITY_ALLOWANCE,
        }
    )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="income_items", verbose_name=_("案件"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("成员")
    )
    kind = models.CharField(_("收入类型"), max_length=24, choices=Kind.choices)
    monthly_amount = models.DecimalField(_("月收入（元）"), max_digits=10, decimal_places=2)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收入项目")
        verbose_name_plural = _("收入项目")
        constraints = [
            money_range_constraint("monthly_amount", Decimal("0"), INCOME_MONTHLY_MAX, name="income_amount_plausible")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.monthly_amount}"

    @property
    def counts(self) -> bool:
        return self.kind not in self.NOT_COUNTED


class AssetItem(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("存款及理财")
        HOUSE = "house", _("房产")
        VEHICLE = "vehicle", _("机动车")
        BUSINESS = "business", _("经营性资产")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="asset_items", verbose_name=_("案件"))
    kind = models.CharField(_("财产类型"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    value = models.DecimalField(_("价值（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("财产项目")
        verbose_name_plural = _("财产项目")
        constraints = [money_range_constraint("value", Decimal("0"), ASSET_VALUE_MAX, name="asset_value_plausible")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


def _document_path(instance, filename):
    return f"assistance/{instance.case_id}/{filename}"


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents", verbose_name=_("案件"))
    title = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=_document_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self):
        return self.title


class Decision(models.Model):
    """What was decided, frozen: the members covered, the income counted, the standard used and the
    amount. Later edits to the household never change it; a re-check makes a new decision."""

    # Indexed by decision_case_pay_from, which leads with the case.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("案件"), db_index=False
    )
    decided_on = models.DateField(_("认定日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    #: paid from the month after approval (Arts. 21, 25)
    pay_from = models.DateField(_("起始发放月份"))
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    standard_amount = models.DecimalField(_("适用标准（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    method = models.CharField(_("计发方式"), max_length=12, blank=True)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"))
    counted_income = models.DecimalField(_("计入收入合计（元/月）"), max_digits=12, decimal_places=2)
    per_capita_income = models.DecimalField(_("人均月收入（元）"), max_digits=10, decimal_places=2)
    per_member_amount = models.DecimalField(_("每人每月（元）"), max_digits=10, decimal_places=2)
    covered_count = models.PositiveSmallIntegerField(_("保障人数"))
    amount = models.DecimalField(_("月发放金额（元）"), max_digits=10, decimal_places=2)
    #: the members (id, name, relation, covered) and income items as they were, and the steps
    snapshot = models.JSONField(_("认定时快照"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("认定结果")
        verbose_name_plural = _("认定结果")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["case", "pay_from"], name="decision_case_pay_from")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="decision_amount_not_negative"),
            models.CheckConstraint(condition=Q(pay_from__day=1), name="decision_pays_from_month_start"),
            date_range_constraint("decided_on", name="decision_decided_on_plausible"),
            date_range_constraint("pay_from", name="decision_pay_from_plausible"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.decided_on} {self.amount}"

    @property
    def covered_person_ids(self) -> list[int]:
        return [m["id"] for m in self.snapshot.get("members", []) if m.get("covered")]


class Transition(models.Model):
    """Every change of a case's state (and every event on it), who, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("案件"))
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=14, choices=Case.State.choices)
    to_state = models.CharField(_("新状态"), max_length=14, choices=Case.State.choices)
    #: the date the step states (it may lag the paper: data entry is often late)
    on_date = models.DateField(_("办理日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: often the step's reason (a refusal, an extension, an end): a reason's size
    comment = models.TextField(_("说明"), blank=True, max_length=REASON_MAX)
    #: when the step was entered in the system, whatever date it states
    entered_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["entered_at", "id"]
        constraints = [
            date_range_constraint("on_date", name="transition_on_date_plausible"),
            text_length_constraint("comment", REASON_MAX, name="transition_comment_length"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"

    @property
    def action_label(self) -> str:
        from assistance.workflow import ACTIONS, EVENTS

        spec = ACTIONS.get(self.action)
        return str(spec.label if spec else EVENTS.get(self.action, self.action))


class Objection(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections", verbose_name=_("案件"))
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"), max_length=REASON_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        constraints = [
            date_range_constraint("received_on", name="objection_received_on_plausible"),
            text_length_constraint("content", REASON_MAX, name="objection_content_length"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.received_on}"
