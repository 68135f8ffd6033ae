"""适老化改造 (plan ch.5, Table 3 item 4): home adaptations for older people's households in need,
application → survey → works → acceptance (or refusal), with the cost and the assistive devices
fitted; counted by the year of acceptance."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint, money_range_constraint
from core.models import Person

COST_MAX = Decimal("100000")
ADAPTATION_TEXT_MAX = 500


class Device(models.TextChoices):
    GRAB_BAR = "grab_bar", _("安全扶手")
    ANTI_SLIP = "anti_slip", _("防滑处理")
    RAMP = "ramp", _("坡道、消除高差")
    SHOWER_CHAIR = "shower_chair", _("淋浴椅")
    TOILET = "toilet", _("坐便器、助起架")
    WALKER = "walker", _("助行器、轮椅")
    ALARM = "alarm", _("紧急呼叫装置")
    NIGHT_LIGHT = "night_light", _("感应夜灯")
    BED = "bed", _("护理床")


class HomeAdaptation(models.Model):
    class State(models.TextChoices):
        APPLIED = "applied", _("已申请")
        SURVEYED = "surveyed", _("已评估")
        WORKS_DONE = "works_done", _("已施工")
        ACCEPTED = "accepted", _("已验收")
        REFUSED = "refused", _("不予改造")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("老年人"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.APPLIED, db_index=True)
    applied_on = models.DateField(_("申请日期"))
    surveyed_on = models.DateField(_("入户评估日期"), null=True, blank=True)
    survey_findings = models.CharField(_("评估意见"), max_length=ADAPTATION_TEXT_MAX, blank=True)
    works_done_on = models.DateField(_("施工完成日期"), null=True, blank=True)
    devices = models.JSONField(_("适配辅具"), default=list, blank=True)
    cost = models.DecimalField(_("改造费用（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    refused_on = models.DateField(_("不予改造日期"), null=True, blank=True)
    refusal_reason = models.CharField(_("不予改造原因"), max_length=ADAPTATION_TEXT_MAX, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "person__township"

    class Meta:
        verbose_name = _("适老化改造")
        verbose_name_plural = _("适老化改造")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["applied", "surveyed", "works_done"]),
                name="adaptation_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(surveyed_on__isnull=True) | Q(surveyed_on__gte=models.F("applied_on")),
                name="adaptation_survey_after_application",
            ),
            models.CheckConstraint(
                condition=Q(works_done_on__isnull=True)
                | Q(surveyed_on__isnull=False, works_done_on__gte=models.F("surveyed_on")),
                name="adaptation_works_after_survey",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | Q(works_done_on__isnull=False, accepted_on__gte=models.F("works_done_on")),
                name="adaptation_acceptance_after_works",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_on__isnull=False, cost__isnull=False),
                name="adaptation_accepted_has_date_and_cost",
            ),
            money_range_constraint("cost", Decimal("0"), COST_MAX, name="adaptation_cost_plausible"),
            date_range_constraint("applied_on", name="adaptation_applied_on_plausible"),
            date_range_constraint("surveyed_on", name="adaptation_surveyed_on_plausible"),
            date_range_constraint("works_done_on", name="adaptation_works_done_on_plausible"),
            date_range_constraint("accepted_on", name="adaptation_accepted_on_plausible"),
            date_range_constraint("refused_on", name="adaptation_refused_on_plausible"),
        ]

    def __str__(self):
        return f"{self.person} {self.applied_on:%Y-%m-%d} {self.get_state_display()}"

    def device_labels(self) -> list[str]:
        labels = dict(Device.choices)
        return [str(labels.get(d, d)) for d in self.devices]
