"""Who looks after a child and how well: guardians and entrusted carers (监护人、被委托照护人, the
latter with the written care agreement), and guardianship assessments (监护评估) with a risk level."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import AuditHistory
from core.jurisdiction import JurisdictionQuerySet
from core.limits import REASON_MAX, date_range_constraint, text_length_constraint

#: Days within which a high-risk assessment must be followed up (a visit on or after it), unless
#: the bureau sets another number; and the range it may set.
HIGH_RISK_FOLLOW_UP_DAYS = 7
FOLLOW_UP_MIN, FOLLOW_UP_MAX = 1, 90


def _agreement_path(instance, filename):
    return f"childwelfare/agreements/{instance.child_id}/{filename}"


class CarerQuerySet(JurisdictionQuerySet):
    def current(self, day):
        """In the role on `day` (from on or before it, to not before it); an entrusted carer only
        while the written agreement runs (an expired agreement entrusts no one)."""
        return (
            self.filter(start__lte=day)
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .exclude(role="entrusted", agreement_term_end__lt=day)
        )


class Carer(models.Model):
    """A guardian (监护人) or an entrusted carer (被委托照护人, 《未成年人保护法》第22条: parents working
    away entrust the child's daily care in writing) over a period of the child's file."""

    class Role(models.TextChoices):
        GUARDIAN = "guardian", _("监护人")
        ENTRUSTED = "entrusted", _("被委托照护人")

    child = models.ForeignKey("Child", on_delete=models.CASCADE, related_name="carers", verbose_name=_("儿童"))
    role = models.CharField(_("身份"), max_length=20, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与儿童关系"), max_length=20, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=100, blank=True)
    #: 委托照护协议: an entrusted carer has one in writing (its signing date, its term, and the
    #: scanned document or at least its reference number).
    agreement_signed_on = models.DateField(_("委托照护协议签订日期"), null=True, blank=True)
    agreement_term_end = models.DateField(_("协议期限至"), null=True, blank=True)
    agreement_number = models.CharField(_("协议编号"), max_length=50, blank=True)
    agreement_file = models.FileField(_("协议扫描件"), upload_to=_agreement_path, blank=True, max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = CarerQuerySet.as_manager()
    jurisdiction_field = "child__township"

    class Meta:
        verbose_name = _("监护人（被委托照护人）")
        verbose_name_plural = _("监护人（被委托照护人）")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["child", "start", "end"], name="carer_child_period")]
        constraints = [
            date_range_constraint("start", name="carer_start_plausible"),
            date_range_constraint("end", name="carer_end_plausible"),
            date_range_constraint("agreement_signed_on", name="carer_agreement_signed_plausible"),
            date_range_constraint("agreement_term_end", name="carer_agreement_term_plausible"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="carer_end_after_start",
                violation_error_message=_("终止日期不能早于起始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(role="guardian")
                | Q(agreement_signed_on__isnull=False, agreement_term_end__isnull=False)
                & (~Q(agreement_number="") | ~Q(agreement_file="")),
                name="carer_entrusted_has_agreement",
                violation_error_message=_("被委托照护人须有书面委托照护协议（签订日期、期限和协议编号或扫描件）。"),
            ),
            models.CheckConstraint(
                condition=Q(agreement_term_end__isnull=True)
                | Q(agreement_signed_on__isnull=True)
                | Q(agreement_term_end__gte=models.F("agreement_signed_on")),
                name="carer_agreement_term_after_signed",
                violation_error_message=_("协议期限不能早于签订日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def active_on(self, day) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class RiskLevel(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class GuardianshipAssessment(models.Model):
    """监护评估: how well the child is looked after, the risk found and what follows."""

    child = models.ForeignKey("Child", on_delete=models.CASCADE, related_name="assessments", verbose_name=_("儿童"))
    assessed_on = models.DateField(_("评估日期"))
    assessor_name = models.CharField(_("评估人"), max_length=50)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, db_index=True)
    findings = models.TextField(_("评估情况"))
    measures = models.TextField(_("后续措施"), blank=True)
    next_review_on = models.DateField(_("下次评估日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = AuditHistory(excluded_fields=["updated_at"])
    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "child__township"

    class Meta:
        verbose_name = _("监护评估")
        verbose_name_plural = _("监护评估")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["child", "-assessed_on"], name="gassessment_child_recent")]
        constraints = [
            date_range_constraint("assessed_on", name="guardianshipassessment_on_plausible"),
            date_range_constraint("next_review_on", name="guardianshipassessment_review_plausible"),
            models.CheckConstraint(
                condition=Q(next_review_on__gt=models.F("assessed_on")),
                name="guardianshipassessment_review_after",
                violation_error_message=_("下次评估日期应晚于评估日期。"),
            ),
            text_length_constraint("findings", REASON_MAX, name="guardianshipassessment_findings_length"),
            text_length_constraint("measures", REASON_MAX, name="guardianshipassessment_measures_length"),
        ]

    def __str__(self):
        return f"{self.child} {self.assessed_on} {self.get_risk_level_display()}"


class RiskFollowUp(models.Model):
    """The bureau's setting: a high-risk assessment is followed up (visited) within this many days."""

    days = models.PositiveSmallIntegerField(_("高风险跟进期限（天）"), default=HIGH_RISK_FOLLOW_UP_DAYS)

    class Meta:
        verbose_name = _("高风险跟进期限")
        verbose_name_plural = _("高风险跟进期限")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=FOLLOW_UP_MIN, days__lte=FOLLOW_UP_MAX), name="riskfollowup_days_plausible"
            )
        ]

    def __str__(self):
        return str(self.days)
