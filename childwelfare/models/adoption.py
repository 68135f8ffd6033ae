"""收养登记 (Civil Code Arts. 1093–1105), registered by the county bureau after an adoption assessment."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import JurisdictionQuerySet
from core.limits import date_range_constraint
from core.models import Person, division_key

#: Declared children of the adopter(s): the form's range (the rule itself allows 0 or 1).
EXISTING_CHILDREN_MAX = 20
#: One registration per child: the register records no dissolution (解除收养关系), so each stays in
#: force. When dissolution is recorded, this becomes a partial constraint on the live ones.
ONE_ADOPTION_PER_CHILD = "adoption_one_per_child"


class Adoption(models.Model):
    class Assessment(models.TextChoices):
        NOT_RECORDED = "", _("未录入")
        SUITABLE = "suitable", _("适宜收养")
        UNSUITABLE = "unsuitable", _("不适宜收养")

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("被收养人"))
    adopter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("收养人"))
    second_adopter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("共同收养人（配偶）")
    )
    #: The child's township (the jurisdiction the record belongs to).
    township = division_key(verbose_name=_("乡镇（街道）"))
    child_consent = models.BooleanField(_("被收养人同意"), null=True, blank=True)
    existing_children = models.PositiveSmallIntegerField(_("收养人现有子女数"))
    assessment_result = models.CharField(
        _("收养评估结论"), max_length=20, choices=Assessment.choices, blank=True, default=Assessment.NOT_RECORDED
    )
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    registration_no = models.CharField(_("登记证号"), max_length=40, unique=True)
    registered_on = models.DateField(_("登记日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("收养登记")
        verbose_name_plural = _("收养登记")
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["township", "-registered_on"], name="adoption_township_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                name=ONE_ADOPTION_PER_CHILD,
                violation_error_message=_("该儿童已办理收养登记，不能重复登记。"),
            ),
            date_range_constraint("registered_on", name="adoption_registered_on_plausible"),
            date_range_constraint("assessed_on", name="adoption_assessed_on_plausible"),
            models.CheckConstraint(
                condition=Q(existing_children__lte=EXISTING_CHILDREN_MAX), name="adoption_existing_children_plausible"
            ),
            models.CheckConstraint(
                condition=~Q(adopter=models.F("child"))
                & ~Q(second_adopter=models.F("child"))
                & ~Q(second_adopter=models.F("adopter")),
                name="adoption_distinct_people",
            ),
        ]

    def __str__(self):
        return self.registration_no

    @property
    def adopters(self) -> list[Person]:
        return [p for p in (self.adopter, self.second_adopter) if p is not None]
