"""Standards and the working-day calendar: the amounts a decision is computed from, each with the
date it takes effect (local amounts are data entered by bureau staff, never constants)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.limits import date_range_constraint, money_range_constraint

#: Plausible money standards, 元 per person (or household) per month. Nan'an's dibao standard was 775 in
#: 2020 (the plan) and is about 800–1,100 now; the tekun standards are 1–1.3 times it and the minimum
#: wage about 2,000. 100–10,000 holds every past and foreseeable value and refuses typing slips such
#: as 0.10 or 99,999,999.99.
STANDARD_MONEY_MIN, STANDARD_MONEY_MAX = Decimal("100"), Decimal("10000")
#: Multiples of the dibao standard: the edge-family line is 1.5 times it (the rules); temporary
#: assistance is capped at a few times it (Nan'an: 3), 24 (two years of the standard) at most.
STANDARD_MULTIPLE_MIN, STANDARD_MULTIPLE_MAX = Decimal("1"), Decimal("24")
#: 分档: a tier's income bound and its amount per member are within the money standards' own range.
TIER_INCOME_MIN, TIER_AMOUNT_MIN = Decimal("0"), Decimal("1")
#: The kinds whose amount is a multiple (Standard.MULTIPLES, as the database constraint names them).
MULTIPLE_KINDS = ("edge_multiple", "temporary_multiple")


class Standard(models.Model):
    """A standard or setting with the date it takes effect; the one in force on a date is the row of
    that kind with the latest effective_from on or before it."""

    class Kind(models.TextChoices):
        DIBAO = "dibao", _("低保标准（元/人/月）")
        TEKUN_CENTRALISED = "tekun_centralised", _("特困集中供养标准（元/人/月）")
        TEKUN_DISPERSED = "tekun_dispersed", _("特困分散供养标准·生活自理（元/人/月）")
        TEKUN_DISPERSED_CARE = "tekun_dispersed_care", _("特困分散供养标准·部分或完全丧失自理能力（元/人/月）")
        MINIMUM_WAGE = "minimum_wage", _("当地月最低工资标准（元/月）")
        TEMPORARY_MULTIPLE = "temporary_multiple", _("临时救助上限（低保标准的倍数）")
        EDGE_MULTIPLE = "edge_multiple", _("低保边缘家庭认定（低保标准的倍数）")

    class Method(models.TextChoices):
        DIFFERENCE = "difference", _("差额发放")
        TIERED = "tiered", _("分档发放")

    class Rounding(models.TextChoices):
        YUAN = "1", _("取整到元")
        JIAO = "0.1", _("取整到角")
        FEN = "0.01", _("取整到分")

    #: Kinds that are multiples, not money.
    MULTIPLES = (Kind.TEMPORARY_MULTIPLE, Kind.EDGE_MULTIPLE)

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices, db_index=True)
    amount = models.DecimalField(_("标准"), max_digits=10, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    #: For the dibao standard: how the benefit is computed and rounded (Art. 23: 差额 or 分档).
    method = models.CharField(_("计发方式"), max_length=12, choices=Method.choices, default=Method.DIFFERENCE)
    rounding = models.CharField(_("金额取整"), max_length=4, choices=Rounding.choices, default=Rounding.YUAN)
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("救助标准")
        verbose_name_plural = _("救助标准")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="standard_one_per_kind_and_date"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=MULTIPLE_KINDS, amount__gte=STANDARD_MULTIPLE_MIN, amount__lte=STANDARD_MULTIPLE_MAX)
                    | (~Q(kind__in=MULTIPLE_KINDS) & Q(amount__gte=STANDARD_MONEY_MIN, amount__lte=STANDARD_MONEY_MAX))
                ),
                name="standard_amount_plausible",
            ),
            date_range_constraint("effective_from", name="standard_effective_from_plausible"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.effective_from:%Y-%m-%d})"

    @classmethod
    def amount_range(cls, kind: str) -> tuple[Decimal, Decimal]:
        """The plausible amounts of a kind: a multiple, or money (元/month)."""
        if kind in cls.MULTIPLES:
            return STANDARD_MULTIPLE_MIN, STANDARD_MULTIPLE_MAX
        return STANDARD_MONEY_MIN, STANDARD_MONEY_MAX


class BenefitTier(models.Model):
    """分档发放: a household whose per-capita income is at most `income_up_to` gets `amount_per_member`
    per covered member (the lowest matching tier applies)."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("标准"))
    income_up_to = models.DecimalField(_("人均收入不超过（元）"), max_digits=10, decimal_places=2)
    amount_per_member = models.DecimalField(_("每人每月（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("分档")
        verbose_name_plural = _("分档")
        ordering = ["standard", "income_up_to"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "income_up_to"], name="tier_unique_bound"),
            money_range_constraint("income_up_to", TIER_INCOME_MIN, STANDARD_MONEY_MAX, name="tier_income_plausible"),
            money_range_constraint(
                "amount_per_member", TIER_AMOUNT_MIN, STANDARD_MONEY_MAX, name="tier_amount_plausible"
            ),
        ]

    def __str__(self):
        return f"≤{self.income_up_to}: {self.amount_per_member}"


class Holiday(models.Model):
    """The working-day calendar: public holidays, and weekend days that are working days (调休)."""

    date = models.DateField(_("日期"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    is_workday = models.BooleanField(_("调休上班"), default=False)

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = _("节假日")
        ordering = ["date"]
        constraints = [date_range_constraint("date", name="holiday_date_plausible")]

    def __str__(self):
        return f"{self.date} {self.name}"
