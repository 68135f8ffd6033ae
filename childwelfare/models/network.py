"""The minor-protection network: a station (未成年人保护工作站) or a designated officer (专干) per township."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint
from core.models import Division, division_key


class StationQuerySet(JurisdictionQuerySet):
    def operating_on(self, day):
        """Opened on or before `day` and not closed on or before it (indicator 6's rule)."""
        return self.filter(opened_on__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))


class Station(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", _("未成年人保护工作站")
        DESIGNATED_OFFICER = "designated_officer", _("未成年人保护专干")

    class Status(models.TextChoices):
        OPERATING = "operating", _("运行中")
        CLOSED = "closed", _("已撤销")

    township = division_key(verbose_name=_("乡镇（街道）"), limit_choices_to={"level": Division.Level.TOWNSHIP})
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    #: The station's name, or the designated officer's name.
    name = models.CharField(_("名称（专干姓名）"), max_length=100)
    opened_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPERATING)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("未成年人保护工作站（专干）")
        verbose_name_plural = _("未成年人保护工作站（专干）")
        ordering = ["township_id", "opened_on", "id"]
        indexes = [
            models.Index(fields=["township"], name="station_township"),
            models.Index(fields=["opened_on", "closed_on"], name="station_open_close"),
        ]
        constraints = [
            date_range_constraint("opened_on", name="station_opened_on_plausible"),
            date_range_constraint("closed_on", name="station_closed_on_plausible"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="station_closed_after_opened",
                violation_error_message=_("撤销日期不能早于设立日期。"),
            ),
            models.CheckConstraint(
                condition=Q(status="operating", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="station_status_matches_closed_on",
                violation_error_message=_("已撤销的须填写撤销日期，运行中的不能有撤销日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.township} {self.name}"


class ChildWorker(models.Model):
    """儿童主任 (one per village) and 儿童督导员 (one per township) (民发〔2019〕34号): who, since
    when, and the latest training attended (the plan asks for full coverage and full training)."""

    class Kind(models.TextChoices):
        DIRECTOR = "director", _("儿童主任")
        SUPERVISOR = "supervisor", _("儿童督导员")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    township = division_key(verbose_name=_("乡镇（街道）"), limit_choices_to={"level": Division.Level.TOWNSHIP})
    #: The village a director serves (a supervisor serves the whole township).
    village = division_key(null=True, blank=True, verbose_name=_("村（社区）"))
    since = models.DateField(_("任职日期"))
    until = models.DateField(_("离任日期"), null=True, blank=True)
    last_trained_on = models.DateField(_("最近参加培训日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("儿童主任（督导员）")
        verbose_name_plural = _("儿童主任（督导员）")
        ordering = ["township_id", "kind", "village_id", "-since"]
        indexes = [
            models.Index(fields=["village"], name="childworker_village"),
            models.Index(fields=["township"], name="childworker_township"),
        ]
        constraints = [
            date_range_constraint("since", name="childworker_since_plausible"),
            date_range_constraint("until", name="childworker_until_plausible"),
            date_range_constraint("last_trained_on", name="childworker_trained_plausible"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="childworker_until_after_since",
                violation_error_message=_("离任日期不能早于任职日期。"),
            ),
            models.CheckConstraint(
                condition=Q(kind="director", village__isnull=False) | Q(kind="supervisor", village__isnull=True),
                name="childworker_village_by_kind",
                violation_error_message=_("儿童主任须填写村（社区），儿童督导员不填。"),
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(kind="director", until__isnull=True),
                name="childworker_one_director",
                violation_error_message=_("该村（社区）已有在任的儿童主任。"),
            ),
            models.UniqueConstraint(
                fields=["township"],
                condition=Q(kind="supervisor", until__isnull=True),
                name="childworker_one_supervisor",
                violation_error_message=_("该乡镇（街道）已有在任的儿童督导员。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"
