"""Standards and the working-day calendar: the amounts a decision is computed from, each with the
date it takes effect (local amounts are data entered by bureau staff, never constants)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("救助标准")
        verbose_name_plural = _("救助标准")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="standard_one_per_kind_and_date"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="standard_amount_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.effective_from:%Y-%m-%d})"


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
            models.CheckConstraint(condition=Q(amount_per_member__gt=0), name="tier_amount_positive"),
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

    def __str__(self):
        return f"{self.date} {self.name}"
