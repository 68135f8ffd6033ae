"""Vagrant rescue (流浪乞讨人员救助): one stay at the rescue station (plan indicator 9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import REASON_MAX, date_range_constraint, text_length_constraint
from core.models import Person, division_key


class Rescue(models.Model):
    """流浪乞讨人员救助: one stay at the rescue station. The person may be unknown at intake."""

    class IdentityMethod(models.TextChoices):
        SELF_REPORTED = "self_reported", _("本人自述核实")
        POLICE = "police", _("公安比对")
        DNA = "dna", _("DNA比对")
        FAMILY = "family", _("寻亲公告/家属认领")
        OTHER = "other", _("其他")

    class Outcome(models.TextChoices):
        PENDING = "", _("在站")
        ESCORTED = "escorted", _("接送返回")
        RETURNED_SELF = "returned_self", _("自行返回")
        LONG_TERM = "long_term", _("长期安置")
        OTHER = "other", _("其他")

    #: Plan indicator 9 counts these outcomes as "returned home".
    RETURNED = (Outcome.ESCORTED, Outcome.RETURNED_SELF)

    intake_date = models.DateField(_("入站日期"), db_index=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="rescues", verbose_name=_("受助人员")
    )
    provisional_name = models.CharField(_("临时称呼"), max_length=50, blank=True, help_text=_("身份未查明时"))
    sex = models.CharField(_("性别"), max_length=1, choices=Person.Sex.choices, blank=True)
    found_township = division_key(null=True, blank=True, verbose_name=_("发现地乡镇"))
    description = models.TextField(_("情况说明"), blank=True, max_length=REASON_MAX)
    identity_established_on = models.DateField(_("查明身份日期"), null=True, blank=True)
    identity_method = models.CharField(_("查明方式"), max_length=16, choices=IdentityMethod.choices, blank=True)
    outcome = models.CharField(_("去向"), max_length=16, choices=Outcome.choices, blank=True, default="")
    outcome_date = models.DateField(_("离站日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "found_township"

    class Meta:
        verbose_name = _("流浪乞讨人员救助")
        verbose_name_plural = _("流浪乞讨人员救助")
        ordering = ["-intake_date", "-id"]
        indexes = [models.Index(fields=["found_township"], name="rescue_found_township")]
        constraints = [
            models.CheckConstraint(
                condition=Q(identity_established_on__isnull=True)
                | Q(identity_established_on__gte=models.F("intake_date")),
                name="rescue_identity_after_intake",
            ),
            models.CheckConstraint(
                condition=Q(outcome_date__isnull=True) | Q(outcome_date__gte=models.F("intake_date")),
                name="rescue_outcome_after_intake",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_date__isnull=False), name="rescue_outcome_has_date"
            ),
            *[
                date_range_constraint(field, name=f"rescue_{field}_plausible")
                for field in ("intake_date", "identity_established_on", "outcome_date")
            ],
            text_length_constraint("description", REASON_MAX, name="rescue_description_length"),
        ]

    def __str__(self):
        return str(self.person) if self.person_id else (self.provisional_name or _("身份不明人员"))
