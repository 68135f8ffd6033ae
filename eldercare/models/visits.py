"""探访: the visit programme for special-difficulty older people (plan ch.5 §1: 全面建立并落实特殊困难
老年人定期探访制度; 全面建立农村留守老年人巡访制度).

A person is on the programme in one or more groups (特困, 低保, 高龄, 失能/重残, 独居, 留守), each entry
dated; the bureau sets how often each group is visited (VisitInterval, in days). A person is due a
visit the shortest of their groups' intervals after their last visit (or after they joined, if never
visited): past that day they are overdue. The intervals are settings, never constants in code."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint
from core.models import Person
from eldercare.models.filing import FiledUnderPersonTownship

VISIT_TEXT_MAX = 500
#: A visit at least once a year, at most once a week: the plausible range of an interval.
INTERVAL_MIN_DAYS, INTERVAL_MAX_DAYS = 7, 366


class VisitGroup(models.TextChoices):
    TEKUN = "tekun", _("特困老年人")
    DIBAO = "dibao", _("低保老年人")
    HIGH_AGE = "high_age", _("高龄老年人（80周岁以上）")
    DISABLED = "disabled", _("失能、重残老年人")
    LIVING_ALONE = "living_alone", _("独居老年人")
    LEFT_BEHIND = "left_behind", _("留守老年人")


class VisitInterval(models.Model):
    group = models.CharField(_("探访对象类别"), max_length=20, choices=VisitGroup.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("探访周期（天）"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("探访周期")
        verbose_name_plural = _("探访周期")
        ordering = ["group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=INTERVAL_MIN_DAYS, days__lte=INTERVAL_MAX_DAYS), name="visitinterval_days_range"
            )
        ]

    def __str__(self):
        return f"{self.get_group_display()} {self.days}"


class VisitTarget(FiledUnderPersonTownship):
    """A person on the visit programme in one group, from `since` until `ended_on`."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("老年人"))
    group = models.CharField(_("探访对象类别"), max_length=20, choices=VisitGroup.choices, db_index=True)
    since = models.DateField(_("纳入日期"))
    ended_on = models.DateField(_("退出日期"), null=True, blank=True)
    end_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    #: The person's latest visit, kept beside each of their entries by the visit services
    #: (eldercare.services.visits): the due list is then one pass over the programme, where it was a
    #: search of every visit ever recorded (1.3 million at city scale) for each person's latest.
    last_visit_on = models.DateField(_("最近探访日期"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("探访对象")
        verbose_name_plural = _("探访对象")
        ordering = ["person_id", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group"], condition=Q(ended_on__isnull=True), name="visittarget_one_open_per_group"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("since")), name="visittarget_ends_after"
            ),
            date_range_constraint("since", name="visittarget_since_plausible"),
            date_range_constraint("ended_on", name="visittarget_ended_on_plausible"),
        ]
        indexes = [
            models.Index(fields=["person", "ended_on"], name="visittarget_person_open"),
            models.Index(fields=["township", "person"], name="visittarget_township"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_group_display()}"


class Visit(models.Model):
    """One visit: who visited whom, when, how, what they found and what follows."""

    class Way(models.TextChoices):
        HOME = "home", _("上门探访")
        PHONE = "phone", _("电话探访")
        VIDEO = "video", _("视频探访")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("老年人"))
    visited_on = models.DateField(_("探访日期"))
    way = models.CharField(_("探访方式"), max_length=10, choices=Way.choices, default=Way.HOME)
    visitor = models.CharField(_("探访人"), max_length=50)
    findings = models.CharField(_("探访情况"), max_length=VISIT_TEXT_MAX)
    follow_up = models.CharField(_("后续跟进"), max_length=VISIT_TEXT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()
    jurisdiction_field = "person__township"

    class Meta:
        verbose_name = _("探访记录")
        verbose_name_plural = _("探访记录")
        ordering = ["-visited_on", "-id"]
        constraints = [date_range_constraint("visited_on", name="eldervisit_visited_on_plausible")]
        indexes = [
            models.Index(fields=["person", "-visited_on"], name="eldervisit_person_latest"),
            # The API's list, latest first (VisitViewSet.ordering): without it every page sorted the
            # city's 1.3 million visits, 1.2 s a page at city scale.
            models.Index(fields=["-visited_on", "-id"], name="eldervisit_latest"),
        ]

    def __str__(self):
        return f"{self.person} {self.visited_on:%Y-%m-%d}"
