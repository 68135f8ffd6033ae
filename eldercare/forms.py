"""Forms collect and shape input; the services decide validity (core.forms.apply_errors puts a
service's errors back on the fields)."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from core.models import Division
from eldercare.assessment import PART_MAX
from eldercare.models import (
    Assessment,
    CommunityFacility,
    Device,
    HomeAdaptation,
    Institution,
    InstitutionListing,
    Status,
    Subsidy,
    SubsidyKind,
    TrainingSession,
    Visit,
    VisitGroup,
)  # fmt: skip
from eldercare.selectors import township_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _township_field(required=True, empty_label=None):
    return forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=required,
        to_field_name="code", empty_label=empty_label,
    )  # fmt: skip


class _FilterForm(BootstrapMixin, forms.Form):
    township = _township_field(required=False, empty_label=_("全部乡镇（街道）"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)

    def township_code(self):
        t = self.cleaned_data.get("township")
        return t.code if t else None


class InstitutionFilterForm(_FilterForm):
    q = forms.CharField(label=_("名称或信用代码"), required=False, max_length=100)
    ownership = forms.ChoiceField(
        label=_("性质"), required=False, choices=[("", _("全部")), *Institution.Ownership.choices]
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    grade = forms.TypedChoiceField(
        label=_("等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部")), ("0", _("未评定")), *[(str(n), _("%(n)d星") % {"n": n}) for n in range(1, 6)]],
    )  # fmt: skip
    operating_on = forms.DateField(label=_("运营于（日期）"), required=False, widget=DATE)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {
            "township": self.township_code(), "q": d["q"], "ownership": d["ownership"], "status": d["status"],
            "grade": d["grade"], "operating_on": d["operating_on"],
        }  # fmt: skip


class FacilityFilterForm(_FilterForm):
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *CommunityFacility.Kind.choices]
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Status.choices])
    all_three = forms.BooleanField(label=_("具备全托、日托、上门"), required=False)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "kind": d["kind"], "status": d["status"], "all_three": d["all_three"]}


class AssessmentFilterForm(_FilterForm):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=30)
    level = forms.TypedChoiceField(
        label=_("能力等级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部")), *[(str(v), label) for v, label in Assessment.Level.choices]],
    )  # fmt: skip
    year = forms.IntegerField(label=_("评估年度"), required=False, min_value=1900, max_value=2100)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "q": d["q"], "level": d["level"], "year": d["year"]}


class InstitutionForm(BootstrapMixin, forms.ModelForm):
    township = _township_field()

    class Meta:
        model = Institution
        fields = [
            "name", "credit_code", "ownership", "township", "address", "opened_on", "closed_on", "status",
            "star_grade", "graded_on", "medical_care", "full_time_care", "day_care", "home_visits", "note",
        ]  # fmt: skip
        widgets = {"opened_on": DATE, "closed_on": DATE, "graded_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)
        self.fields["star_grade"] = forms.TypedChoiceField(
            label=_("等级（星级）"), required=False, coerce=int, empty_value=None,
            choices=[("", _("未评定")), *[(str(n), _("%(n)d星") % {"n": n}) for n in range(1, 6)]],
            widget=forms.Select(attrs={"class": "form-select"}),
        )  # fmt: skip

    def _post_clean(self):
        pass  # the service validates (model rules included), saying each field once


class FacilityForm(BootstrapMixin, forms.ModelForm):
    township = _township_field()

    class Meta:
        model = CommunityFacility
        fields = [
            "name", "kind", "township", "address", "opened_on", "closed_on", "status", "full_time_care",
            "day_care", "home_visits", "note",
        ]  # fmt: skip
        widgets = {"opened_on": DATE, "closed_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)

    def _post_clean(self):
        pass


class BedCountForm(BootstrapMixin, forms.Form):
    as_of = forms.DateField(label=_("统计日期"), widget=DATE)
    total_beds = forms.IntegerField(label=_("床位总数"))
    nursing_beds = forms.IntegerField(label=_("护理型床位"))


class AssessmentForm(BootstrapMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DATE)
    self_care = forms.IntegerField(label=_("自理能力（0–%(m)d）") % {"m": PART_MAX["self_care"]})
    basic_motion = forms.IntegerField(label=_("基础运动能力（0–%(m)d）") % {"m": PART_MAX["basic_motion"]})
    mental_state = forms.IntegerField(label=_("精神状态（0–%(m)d）") % {"m": PART_MAX["mental_state"]})
    perception_social = forms.IntegerField(
        label=_("感知觉与社会参与（0–%(m)d）") % {"m": PART_MAX["perception_social"]}
    )
    coma = forms.BooleanField(label=_("处于昏迷状态"), required=False)
    dementia_or_mental_disorder = forms.BooleanField(label=_("确诊认知障碍/痴呆或精神科专科疾病"), required=False)
    risk_events_30d = forms.IntegerField(
        label=_("近30天照护风险事件次数"), initial=0, help_text=_("跌倒、噎食、自杀自伤、走失等")
    )
    assessor = forms.CharField(label=_("评估员"), max_length=50)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class PersonLookupForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=18)


# --- subsidies -------------------------------------------------------------------------------------


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type="month">), cleaned to its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "month", "placeholder": "2025-03", "maxlength": "7"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        if not re.match(r"^\d{4}-\d{2}$", value):
            raise forms.ValidationError(_("格式应为 YYYY-MM。"))
        try:
            return datetime.date(int(value[:4]), int(value[5:7]), 1)
        except ValueError:
            raise forms.ValidationError(_("格式应为 YYYY-MM。")) from None


class SubsidyFilterForm(_FilterForm):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=30)
    kind = forms.ChoiceField(label=_("补贴类别"), required=False, choices=[("", _("全部")), *SubsidyKind.choices])
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *Subsidy.Status.choices])
    starts_from = MonthField(label=_("起始月份不早于"), required=False)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {
            "township": self.township_code(), "q": d["q"], "kind": d["kind"], "status": d["status"],
            "starts_from": d["starts_from"],
        }  # fmt: skip


class SubsidyForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("补贴类别"), choices=SubsidyKind.choices)
    starts_on = MonthField(label=_("起始月份"))
    bank_account = forms.CharField(label=_("银行账号"), required=False, max_length=60)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class SubsidyEndForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(
        label=_("终止日期"), widget=DATE, help_text=_("该日期之后开始的月份不再发放；最晚为下月末。")
    )
    reason = forms.CharField(label=_("终止原因"), max_length=200)


class SubsidyStandardForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("补贴类别"), choices=SubsidyKind.choices)
    threshold = forms.IntegerField(
        label=_("档次"),
        required=False,
        help_text=_("高龄津贴填起始年龄（如 80、90、100）；护理补贴填能力等级 1–4；服务补贴留空"),
    )
    amount = forms.DecimalField(label=_("标准（元/人/月）"), max_digits=10, decimal_places=2)
    effective_from = forms.DateField(label=_("执行日期"), widget=DATE)
    note = forms.CharField(label=_("依据或说明"), required=False, max_length=200)


class BuildMonthForm(BootstrapMixin, forms.Form):
    month = forms.CharField(label=_("发放月份"), max_length=7, widget=forms.TextInput(attrs={"placeholder": "2025-03"}))

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not re.match(r"^\d{4}-\d{2}$", value):
            raise forms.ValidationError(_("格式应为 YYYY-MM。"))
        return value


# --- visits ----------------------------------------------------------------------------------------


class VisitDueFilterForm(_FilterForm):
    group = forms.ChoiceField(label=_("探访对象类别"), required=False, choices=[("", _("全部")), *VisitGroup.choices])
    overdue_only = forms.BooleanField(label=_("只看逾期未探访"), required=False)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "group": d["group"], "overdue_only": d["overdue_only"]}


class VisitFilterForm(_FilterForm):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=30)
    year = forms.IntegerField(label=_("探访年度"), required=False, min_value=1900, max_value=2100)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "q": d["q"], "year": d["year"]}


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("探访日期"), widget=DATE)
    way = forms.ChoiceField(label=_("探访方式"), choices=Visit.Way.choices)
    visitor = forms.CharField(label=_("探访人"), max_length=100)
    findings = forms.CharField(label=_("探访情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(
        label=_("后续跟进"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitTargetForm(BootstrapMixin, forms.Form):
    group = forms.ChoiceField(label=_("探访对象类别"), choices=VisitGroup.choices)
    since = forms.DateField(label=_("纳入日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class VisitIntervalForm(BootstrapMixin, forms.Form):
    group = forms.ChoiceField(label=_("探访对象类别"), choices=VisitGroup.choices)
    days = forms.IntegerField(label=_("探访周期（天）"))


class ListingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("名单"), choices=InstitutionListing.Kind.choices)
    listed_on = forms.DateField(label=_("列入日期"), widget=DATE)
    reason = forms.CharField(label=_("列入事由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ListingRemoveForm(BootstrapMixin, forms.Form):
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE)
    reason = forms.CharField(label=_("移出事由"), max_length=1000)


class TrainingFilterForm(_FilterForm):
    audience = forms.ChoiceField(
        label=_("培训对象"), required=False, choices=[("", _("全部")), *TrainingSession.Audience.choices]
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1900, max_value=2100)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "audience": d["audience"], "year": d["year"]}


class TrainingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("培训课程"), max_length=200)
    audience = forms.ChoiceField(label=_("培训对象"), choices=TrainingSession.Audience.choices)
    held_on = forms.DateField(label=_("培训日期"), widget=DATE)
    trainees = forms.IntegerField(label=_("培训人次"))
    organiser = forms.CharField(label=_("承办单位"), required=False, max_length=200)
    township = _township_field(required=False, empty_label=_("全市（民政局组织）"))
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)


class AdaptationFilterForm(_FilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *HomeAdaptation.State.choices])
    year = forms.IntegerField(label=_("申请年度"), required=False, min_value=1900, max_value=2100)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {"township": self.township_code(), "state": d["state"], "year": d["year"]}


class AdaptationApplyForm(BootstrapMixin, forms.Form):
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class AdaptationStepForm(BootstrapMixin, forms.Form):
    action = forms.ChoiceField(
        label=_("办理"),
        choices=[("survey", _("入户评估")), ("complete_works", _("施工完成")), ("accept", _("验收")),
                 ("refuse", _("不予改造"))],
    )  # fmt: skip
    on = forms.DateField(label=_("日期"), widget=DATE)
    findings = forms.CharField(label=_("评估意见（入户评估时填写）"), required=False, max_length=1000)
    cost = forms.DecimalField(
        label=_("改造费用（元，施工完成时填写）"), required=False, max_digits=12, decimal_places=2
    )
    devices = forms.MultipleChoiceField(
        label=_("适配辅具（施工完成时选择）"), required=False, choices=Device.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    reason = forms.CharField(label=_("不予改造原因"), required=False, max_length=1000)
