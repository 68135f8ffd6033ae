"""养老服务补贴: the bureau's standards (each with the date it takes effect) and the roster of
recipients, paid monthly through the shared payment-list engine (eldercare.services.subsidies).

Three kinds (plan ch.5 §1: 完善高龄、失能老年人补贴制度; 兜底性养老服务 for low-income older people):

- 高龄津贴 (high-age allowance): by age band; a standard's `threshold` is the band's lowest age
  (e.g. 80, 90, 100), the band of a person is the highest threshold they have reached;
- 护理补贴 (care subsidy): by the capability level of the latest GB/T 42195-2022 assessment;
  `threshold` is the level (1–4) it pays for;
- 服务补贴 (service subsidy) for low-income older people (dibao, tekun, edge families, asked of
  core.categories by code); `threshold` is 0.

Nan'an's amounts are not in the plan: every amount is a standard the bureau enters, never a
constant in code."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint, money_range_constraint
from core.models import Person
from eldercare.models.filing import FiledUnderPersonTownship

#: A monthly subsidy amount a bureau could plausibly set (元/人/月).
SUBSIDY_MIN = Decimal("1")
SUBSIDY_MAX = Decimal("5000")
#: Everyone paid an elderly-care subsidy is at least 60 (老年人权益保障法 Art. 2).
OLDER_AGE = 60
HIGH_AGE_MIN, HIGH_AGE_MAX = 60, 120
NOTE_LENGTH = 200
BANK_ACCOUNT_LENGTH = 40


class SubsidyKind(models.TextChoices):
    HIGH_AGE = "high_age", _("高龄津贴")
    CARE = "care", _("护理补贴")
    SERVICE = "service", _("服务补贴")


class SubsidyStandard(models.Model):
    """A monthly amount with the date it takes effect; the one in force on a day for a (kind,
    threshold) is the row with the latest `effective_from` on or before it."""

    kind = models.CharField(_("补贴类别"), max_length=10, choices=SubsidyKind.choices, db_index=True)
    threshold = models.PositiveSmallIntegerField(
        _("档次"), help_text=_("高龄津贴：起始年龄（周岁）；护理补贴：能力等级 1–4；服务补贴：0")
    )
    amount = models.DecimalField(_("标准（元/人/月）"), max_digits=8, decimal_places=2)
    effective_from = models.DateField(_("执行日期"))
    note = models.CharField(_("依据或说明"), max_length=NOTE_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("录入人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("养老服务补贴标准")
        verbose_name_plural = _("养老服务补贴标准")
        ordering = ["kind", "threshold", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "threshold", "effective_from"], name="subsidystandard_one_per_band_and_date"
            ),
            models.CheckConstraint(
                condition=Q(kind="high_age", threshold__gte=HIGH_AGE_MIN, threshold__lte=HIGH_AGE_MAX)
                | Q(kind="care", threshold__gte=1, threshold__lte=4)
                | Q(kind="service", threshold=0),
                name="subsidystandard_threshold_fits_kind",
            ),
            money_range_constraint("amount", SUBSIDY_MIN, SUBSIDY_MAX, name="subsidystandard_amount_plausible"),
            date_range_constraint("effective_from", name="subsidystandard_effective_from_plausible"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.band_label} {self.amount} ({self.effective_from:%Y-%m-%d})"

    @property
    def band_label(self) -> str:
        if self.kind == SubsidyKind.HIGH_AGE:
            return _("%(n)d周岁及以上") % {"n": self.threshold}
        if self.kind == SubsidyKind.CARE:
            from eldercare.models import Assessment

            return str(Assessment.Level(self.threshold).label)
        return str(_("低收入老年人"))


class Subsidy(FiledUnderPersonTownship):
    """One person's entry on the roster of a subsidy kind: paid each month from `starts_on`'s month
    while active, alive and eligible on the month's first day; ended (death, loss of eligibility,
    the person's request) on `ended_on`, after which no month is paid."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("享受中")
        SUSPENDED = "suspended", _("暂停")
        ENDED = "ended", _("已终止")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("老年人"))
    kind = models.CharField(_("补贴类别"), max_length=10, choices=SubsidyKind.choices, db_index=True)
    starts_on = models.DateField(_("起始月份"), help_text=_("从该月起发放（每月1日）"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    end_reason = models.CharField(_("终止原因"), max_length=NOTE_LENGTH, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=BANK_ACCOUNT_LENGTH, blank=True)
    note = models.CharField(_("备注"), max_length=NOTE_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("养老服务补贴对象")
        verbose_name_plural = _("养老服务补贴对象")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], condition=~Q(status="ended"), name="subsidy_one_open_per_kind"
            ),
            models.CheckConstraint(condition=Q(starts_on__day=1), name="subsidy_starts_on_month_start"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="subsidy_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(status="ended") & Q(ended_on__isnull=False))
                | (~Q(status="ended") & Q(ended_on__isnull=True)),
                name="subsidy_ended_has_date",
            ),
            date_range_constraint("starts_on", name="subsidy_starts_on_plausible"),
            date_range_constraint("ended_on", name="subsidy_ended_on_plausible"),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="subsidy_status_kind"),
            models.Index(fields=["person", "kind"], name="subsidy_person_kind"),
            models.Index(fields=["township", "-starts_on", "-id"], name="subsidy_township_recent"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()}"
