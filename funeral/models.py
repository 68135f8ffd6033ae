"""Funeral services (plan ch.4 §3): facilities, death and cremation records, placements of remains,
basic fee waivers and illegal-tomb rectification cases."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.exceptions import FieldErrors
from core.history import AuditHistory
from core.jurisdiction import JurisdictionQuerySet
from core.limits import check_money, date_range_constraint, money_range_constraint
from core.models import Division, Person, division_key

#: Plausible money per field (core.limits; the services say the range, the database enforces it).
#: Fujian's basic service items cost tens to a few hundred yuan each (funeral.reference: ≈960 元
#: for all five); an urn the family buys may cost more than the waived cap, never six figures; a
#: waiver is at most its five items.
FEE_PRICE_MIN, FEE_PRICE_MAX = Decimal("1.00"), Decimal("10000.00")
URN_PRICE_MIN, URN_PRICE_MAX = Decimal("1.00"), Decimal("100000.00")
WAIVER_TOTAL_MAX = FEE_PRICE_MAX * 5


class FacilityQuerySet(JurisdictionQuerySet):
    def for_user(self, user):
        """Township users see their township's facilities and the county-level ones every
        township sends its dead to (facilities hold no personal data)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_city_level:
            return self
        return self.filter(Q(township_id=user.township_id) | Q(level=Facility.Level.COUNTY))

    def operating_on(self, day):
        return self.filter(opened_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


class Facility(models.Model):
    class Kind(models.TextChoices):
        FUNERAL_HOME = "funeral_home", _("殡仪馆")
        PUBLIC_CEMETERY = "public_cemetery", _("公益性公墓")
        ASH_HALL = "ash_hall", _("骨灰楼堂")
        COMMERCIAL_CEMETERY = "commercial_cemetery", _("经营性公墓")

    class Level(models.TextChoices):
        COUNTY = "county", _("县（市）级")
        TOWNSHIP = "township", _("乡镇级")
        VILLAGE = "village", _("村级")

    class Status(models.TextChoices):
        PLANNED = "planned", _("规划建设中")
        OPERATING = "operating", _("运营中")
        CLOSED = "closed", _("已停用")

    #: Kinds that count for indicator 8 (县级公益性安葬（放）设施).
    PUBLIC_WELFARE_PLACEMENT = (Kind.PUBLIC_CEMETERY, Kind.ASH_HALL)

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, db_index=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, db_index=True)
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("所在乡镇（街道）"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grave_capacity = models.PositiveIntegerField(_("墓穴容量"), default=0)
    graves_used = models.PositiveIntegerField(_("已用墓穴"), default=0)
    niche_capacity = models.PositiveIntegerField(_("格位容量"), default=0)
    niches_used = models.PositiveIntegerField(_("已用格位"), default=0)
    opened_on = models.DateField(_("启用日期"), null=True, blank=True)
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("殡葬设施")
        verbose_name_plural = _("殡葬设施")
        ordering = ["level", "township_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(graves_used__lte=models.F("grave_capacity")), name="facility_graves_fit"
            ),
            models.CheckConstraint(
                condition=Q(niches_used__lte=models.F("niche_capacity")), name="facility_niches_fit"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=False, closed_on__gte=models.F("opened_on")),
                name="facility_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=~Q(status="operating") | Q(opened_on__isnull=False, closed_on__isnull=True),
                name="facility_operating_has_open_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="facility_closed_has_date"
            ),
            date_range_constraint("opened_on", name="facility_opened_on_plausible"),
            date_range_constraint("closed_on", name="facility_closed_on_plausible"),
        ]
        indexes = [models.Index(fields=["township", "kind"], name="facility_township_kind")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.graves_used > self.grave_capacity:
            errors["graves_used"] = _("已用墓穴不能超过墓穴容量。")
        if self.niches_used > self.niche_capacity:
            errors["niches_used"] = _("已用格位不能超过格位容量。")
        if self.closed_on and (not self.opened_on or self.closed_on < self.opened_on):
            errors["closed_on"] = _("停用日期应晚于启用日期。")
        if self.status == self.Status.OPERATING and (not self.opened_on or self.closed_on):
            errors["opened_on"] = _("运营中的设施应有启用日期且没有停用日期。")
        if self.status == self.Status.CLOSED and not self.closed_on:
            errors["closed_on"] = _("已停用的设施请填写停用日期。")
        if errors:
            raise ValidationError(errors)

    def is_operating_on(self, day) -> bool:
        """The same rule as FacilityQuerySet.operating_on, for an instance at hand."""
        return bool(self.opened_on and self.opened_on <= day and (self.closed_on is None or self.closed_on > day))

    @property
    def grave_share(self) -> int | None:
        return round(100 * self.graves_used / self.grave_capacity) if self.grave_capacity else None

    @property
    def niche_share(self) -> int | None:
        return round(100 * self.niches_used / self.niche_capacity) if self.niche_capacity else None


class DeathRecord(models.Model):
    """One deceased received by the funeral home: the death and the cremation. Saving it for a known
    person records the death in core (core.services.people.person_record_death), once."""

    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="death_record",
        verbose_name=_("逝者"),
    )
    #: 无名尸: the identity is not known; no core Person is created (see services.records.death_record_register).
    identity_unknown = models.BooleanField(_("身份不明"), default=False)
    unknown_description = models.CharField(
        _("身份不明者描述"), max_length=100, blank=True, help_text=_("如：无名男性，约60岁，发现于……")
    )
    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("乡镇（街道）"))
    date_of_death = models.DateField(_("死亡日期"))
    cremation_date = models.DateField(_("火化日期"), null=True, blank=True)
    funeral_home = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="cremations",
        limit_choices_to={"kind": Facility.Kind.FUNERAL_HOME},
        verbose_name=_("殡仪馆"),
    )
    certificate_no = models.CharField(_("火化证明编号"), max_length=30, blank=True)
    contact_name = models.CharField(_("家属联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("家属联系电话"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("死亡火化记录")
        verbose_name_plural = _("死亡火化记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_unknown=True, person__isnull=True)
                | Q(identity_unknown=False, person__isnull=False),
                name="deathrecord_person_or_unknown",
            ),
            models.CheckConstraint(
                condition=Q(cremation_date__isnull=True) | Q(cremation_date__gte=models.F("date_of_death")),
                name="deathrecord_cremation_after_death",
            ),
            models.UniqueConstraint(
                fields=["certificate_no"], condition=~Q(certificate_no=""), name="deathrecord_certificate_unique"
            ),
            date_range_constraint("date_of_death", name="deathrecord_date_of_death_plausible"),
            date_range_constraint("cremation_date", name="deathrecord_cremation_date_plausible"),
        ]
        indexes = [
            models.Index(fields=["township", "-date_of_death"], name="deathrecord_township_recent"),
            models.Index(fields=["-date_of_death", "-id"], name="deathrecord_recent"),
        ]

    def __str__(self):
        return f"{self.deceased_name} {self.date_of_death:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.cremation_date and self.date_of_death and self.cremation_date < self.date_of_death:
            errors["cremation_date"] = _("火化日期不能早于死亡日期。")
        if self.identity_unknown and self.person_id:
            errors["person"] = _("身份不明的逝者不能关联人员。")
        if not self.identity_unknown and not self.person_id:
            errors["person"] = _("请填写逝者身份证号，或勾选“身份不明”。")
        if errors:
            raise ValidationError(errors)

    @property
    def deceased_name(self) -> str:
        if self.identity_unknown:
            return str(_("身份不明")) + (f"（{self.unknown_description}）" if self.unknown_description else "")
        return self.person.name


class Placement(models.Model):
    """Where the remains went (安葬/安放). Indicator 7 counts these by the year of `placed_on`."""

    class Form(models.TextChoices):
        TREE = "tree", _("树葬")
        FLOWER = "flower", _("花葬")
        LAWN = "lawn", _("草坪葬")
        SEA = "sea", _("海葬")
        DEEP = "deep", _("深埋")
        WALL_NICHE = "wall_niche", _("壁葬（墙体格位）")
        HALL_NICHE = "hall_niche", _("骨灰楼堂存放")
        TRADITIONAL = "traditional", _("传统墓葬")

    #: Land-saving ecological forms (节地生态安葬): every form that uses little or no land.
    ECO_FORMS = (Form.TREE, Form.FLOWER, Form.LAWN, Form.SEA, Form.DEEP, Form.WALL_NICHE, Form.HALL_NICHE)
    #: Forms that take a niche of a facility; sea burial takes none; the others a plot (grave).
    NICHE_FORMS = (Form.WALL_NICHE, Form.HALL_NICHE)
    NO_FACILITY_FORMS = (Form.SEA,)

    record = models.OneToOneField(
        DeathRecord, on_delete=models.CASCADE, related_name="placement", verbose_name=_("死亡火化记录")
    )
    form = models.CharField(_("安葬方式"), max_length=20, choices=Form.choices, db_index=True)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("安葬（放）设施"),
    )
    place = models.CharField(_("具体位置"), max_length=100, blank=True, help_text=_("如：A区3排12号；海葬填海域"))
    placed_on = models.DateField(_("安葬（放）日期"), db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "record__township"

    class Meta:
        verbose_name = _("安葬（放）记录")
        verbose_name_plural = _("安葬（放）记录")
        constraints = [
            models.CheckConstraint(
                condition=~Q(form="sea") | Q(facility__isnull=True), name="placement_sea_without_facility"
            ),
            date_range_constraint("placed_on", name="placement_placed_on_plausible"),
        ]

    def __str__(self):
        return f"{self.record} · {self.get_form_display()}"

    @property
    def is_eco(self) -> bool:
        return self.form in self.ECO_FORMS


class FeeItem(models.TextChoices):
    """Fujian's basic funeral service fee waiver items (福建省, 2013)."""

    TRANSPORT = "transport", _("遗体接运（标准殡仪车）")
    COLD_STORAGE = "cold_storage", _("遗体冷藏（72小时以内）")
    BODY_BAG = "body_bag", _("尸袋")
    CREMATION = "cremation", _("遗体火化（标准炉）")
    URN = "urn", _("骨灰盒")


class FeeItemPrice(models.Model):
    """The price of a waiver item from a date on, entered by the bureau. For the urn it is the cap:
    an urn dearer than this is waived up to it (200 元 per Fujian 2013)."""

    item = models.CharField(_("减免项目"), max_length=20, choices=FeeItem.choices)
    price = models.DecimalField(_("单价（元）"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("减免项目价格")
        verbose_name_plural = _("减免项目价格")
        ordering = ["item", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="feeitemprice_one_per_day"),
            money_range_constraint("price", FEE_PRICE_MIN, FEE_PRICE_MAX, name="feeitemprice_price_plausible"),
            date_range_constraint("effective_from", name="feeitemprice_effective_from_plausible"),
        ]

    def __str__(self):
        return f"{self.get_item_display()} {self.price} ({self.effective_from:%Y-%m-%d})"

    def clean(self):
        errors = FieldErrors()
        check_money(errors, "price", self.price, minimum=FEE_PRICE_MIN, maximum=FEE_PRICE_MAX)
        errors.raise_if_any()


class WaiverEligibleCategory(models.Model):
    """A person category (core.categories registry code) whose members get the basic fee waiver
    when they die while in it."""

    code = models.CharField(_("人员类别代码"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("减免对象类别")
        verbose_name_plural = _("减免对象类别")
        ordering = ["code"]

    def __str__(self):
        from core.categories import CATEGORIES

        category = CATEGORIES.get(self.code)
        return str(category.label) if category else self.code


class Waiver(models.Model):
    """基本殡葬服务费减免 for one deceased. Amounts are frozen when granted: a later price change
    does not alter a granted waiver."""

    record = models.OneToOneField(
        DeathRecord, on_delete=models.PROTECT, related_name="waiver", verbose_name=_("死亡火化记录")
    )
    granted_on = models.DateField(_("减免日期"), db_index=True)
    categories = models.JSONField(_("符合的人员类别"), default=list)
    total = models.DecimalField(_("减免金额（元）"), max_digits=10, decimal_places=2)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "record__township"

    class Meta:
        verbose_name = _("殡葬费减免")
        verbose_name_plural = _("殡葬费减免")
        constraints = [
            money_range_constraint("total", Decimal("0"), WAIVER_TOTAL_MAX, name="waiver_total_plausible"),
            date_range_constraint("granted_on", name="waiver_granted_on_plausible"),
        ]

    def __str__(self):
        return f"{self.record} · {self.total} 元"


class WaiverLine(models.Model):
    waiver = models.ForeignKey(Waiver, on_delete=models.CASCADE, related_name="lines", verbose_name=_("减免"))
    item = models.CharField(_("减免项目"), max_length=20, choices=FeeItem.choices)
    #: What the service cost the family (for the urn, the price of the urn chosen).
    charged = models.DecimalField(_("收费金额（元）"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("减免金额（元）"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("减免明细")
        verbose_name_plural = _("减免明细")
        constraints = [
            models.UniqueConstraint(fields=["waiver", "item"], name="waiverline_item_once"),
            models.CheckConstraint(
                condition=Q(amount__gte=0, amount__lte=models.F("charged")), name="waiverline_amount_within_charge"
            ),
            # The urn's charge is what the family paid (up to URN_PRICE_MAX); every other item's is its price.
            money_range_constraint("charged", FEE_PRICE_MIN, URN_PRICE_MAX, name="waiverline_charged_plausible"),
            money_range_constraint("amount", Decimal("0"), FEE_PRICE_MAX, name="waiverline_amount_plausible"),
        ]

    def __str__(self):
        return f"{self.get_item_display()} {self.amount}"


class TombCase(models.Model):
    """违建墓地整治: one illegal tomb found and what was done about it."""

    class Kind(models.TextChoices):
        LIVING = "living", _("活人墓")
        LUXURY = "luxury", _("豪华墓")
        HOUSE_STYLE = "house_style", _("住宅式墓地")
        SCATTERED = "scattered", _("散埋乱葬")

    class Action(models.TextChoices):
        PENDING = "pending", _("待处置")
        DEMOLISHED = "demolished", _("拆除")
        REDUCED = "reduced", _("整改缩小")
        RELOCATED = "relocated", _("迁入公墓")
        GREENED = "greened", _("复绿")

    township = division_key(limit_choices_to={"level": Division.Level.TOWNSHIP}, verbose_name=_("乡镇（街道）"))
    village = division_key(
        null=True, blank=True, limit_choices_to={"level": Division.Level.VILLAGE}, verbose_name=_("村（社区）")
    )
    location = models.CharField(_("位置"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    found_on = models.DateField(_("发现日期"))
    action = models.CharField(_("处置措施"), max_length=20, choices=Action.choices, default=Action.PENDING)
    action_note = models.CharField(_("处置说明"), max_length=300, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("违建墓地整治案件")
        verbose_name_plural = _("违建墓地整治案件")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("found_on")),
                name="tombcase_closed_after_found",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(action="pending"), name="tombcase_closed_has_action"
            ),
            date_range_constraint("found_on", name="tombcase_found_on_plausible"),
            date_range_constraint("closed_on", name="tombcase_closed_on_plausible"),
        ]
        indexes = [
            models.Index(fields=["village"], name="tombcase_village"),
            models.Index(fields=["township", "-found_on"], name="tombcase_township_recent"),
        ]

    def __str__(self):
        return f"{self.township} {self.location} ({self.get_kind_display()})"

    def clean(self):
        errors = {}
        if self.closed_on and self.found_on and self.closed_on < self.found_on:
            errors["closed_on"] = _("办结日期不能早于发现日期。")
        if self.closed_on and self.action == self.Action.PENDING:
            errors["action"] = _("办结的案件请选择处置措施。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None
