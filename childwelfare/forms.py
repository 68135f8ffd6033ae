"""Forms collect and shape input; the services decide validity (core.forms.apply_errors puts a
service's errors back on the form, field by field)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from childwelfare.models import AllowanceStandard, Carer, ChildWorker, Station
from childwelfare.models.children import SUPPORTED, CareSetting, CategoryCode, DistressReason, ParentSituation
from childwelfare.models.guardianship import RiskLevel
from childwelfare.selectors import AGE_BANDS, township_choices
from core.forms import BootstrapMixin
from core.identifiers import normalize_id_number
from core.limits import EARLIEST_YEAR, LATEST_YEAR
from core.models import Division, Person

DATE = {"type": "date"}


def DateWidget():
    """The browser's date picker wants ISO dates whatever the page's language."""
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


_BLANK = [("", "—")]


def _situations():
    return _BLANK + list(ParentSituation.choices)


class ChildFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=50)
    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False,
                                      empty_label=_("全部"), to_field_name="code")  # fmt: skip
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部")), *list(CategoryCode.choices)], required=False
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"), choices=[("", _("全部"))] + [(c, label) for c, label, _a, _b in AGE_BANDS], required=False
    )
    overdue = forms.BooleanField(label=_("走访逾期"), required=False)
    turning_18 = forms.BooleanField(label=_("即将年满18周岁"), required=False)
    risk = forms.ChoiceField(label=_("监护风险"), choices=[("", _("全部")), *list(RiskLevel.choices)], required=False)
    risk_overdue = forms.BooleanField(label=_("高风险未按期跟进"), required=False)
    no_carer = forms.BooleanField(label=_("无在岗监护人（照护人）"), required=False)
    status = forms.ChoiceField(
        label=_("档案状态"), choices=[("open", _("在档")), ("closed", _("已销档")), ("all", _("全部"))], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)

    def filters(self) -> dict:
        d = self.cleaned_data
        return {
            "q": d["q"], "township": d["township"].code if d["township"] else None, "category": d["category"],
            "age_band": d["age_band"], "overdue": d["overdue"], "turning_18": d["turning_18"],
            "status": d["status"] or "open", "risk": d["risk"], "risk_overdue": d["risk_overdue"],
            "no_carer": d["no_carer"],
        }  # fmt: skip


class PersonByIdNumberField(forms.CharField):
    """A person registered in core, named by ID number, within the user's jurisdiction."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)
        self.people = Person.objects.none()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        number = normalize_id_number(value)
        person = self.people.filter(id_number=number).first()
        if person is None:
            raise forms.ValidationError(_("本辖区没有登记此身份证号的人员，请先在人员管理中登记。"))
        return person


class CategoryFieldsMixin(forms.Form):
    father_situation = forms.ChoiceField(label=_("父亲情况"), choices=_situations, required=False)
    mother_situation = forms.ChoiceField(label=_("母亲情况"), choices=_situations, required=False)
    distress_reason = forms.ChoiceField(
        label=_("困境类型"), choices=_BLANK + list(DistressReason.choices), required=False
    )
    evidence = forms.CharField(
        label=_("认定依据（证明材料）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChildOpenForm(BootstrapMixin, CategoryFieldsMixin):
    person = PersonByIdNumberField(label=_("儿童身份证号"), help_text=_("须已在人员管理中登记，未满18周岁。"))
    care_setting = forms.ChoiceField(label=_("养育方式"), choices=CareSetting.choices)
    guardian_name = forms.CharField(label=_("监护人（照料人）"), required=False, max_length=50)
    guardian_relation = forms.CharField(label=_("与儿童关系"), required=False, max_length=20)
    guardian_phone = forms.CharField(label=_("监护人联系电话"), required=False, max_length=20)
    bank_account = forms.CharField(label=_("发放账号"), required=False, max_length=40)
    in_school = forms.BooleanField(label=_("在校就读"), required=False)
    school = forms.CharField(label=_("就读学校"), required=False, max_length=100)
    code = forms.ChoiceField(
        label=_("首个类别"),
        choices=[("", _("暂不登记"))] + [(c.value, c.label) for c in CategoryCode if c not in SUPPORTED],
        required=False,
        help_text=_("孤儿、事实无人抚养儿童须建档后提交认定申请。"),
    )
    start = forms.DateField(label=_("类别起始日期"), required=False, widget=DateWidget())

    field_order = ["person", "care_setting", "guardian_name", "guardian_relation", "guardian_phone", "bank_account",
                   "in_school", "school", "code", "start"]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].people = Person.objects.for_user(user)


class ChildEditForm(BootstrapMixin, forms.Form):
    care_setting = forms.ChoiceField(label=_("养育方式"), choices=CareSetting.choices)
    guardian_name = forms.CharField(label=_("监护人（照料人）"), required=False, max_length=50)
    guardian_relation = forms.CharField(label=_("与儿童关系"), required=False, max_length=20)
    guardian_phone = forms.CharField(label=_("监护人联系电话"), required=False, max_length=20)
    bank_account = forms.CharField(label=_("发放账号"), required=False, max_length=40)
    in_school = forms.BooleanField(
        label=_("在校就读"), required=False, help_text=_("年满18周岁仍在校的，基本生活保障金继续发放。")
    )
    school = forms.CharField(label=_("就读学校"), required=False, max_length=100)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CategoryForm(BootstrapMixin, CategoryFieldsMixin):
    code = forms.ChoiceField(label=_("类别"), choices=CategoryCode.choices)
    start = forms.DateField(label=_("起始日期"), widget=DateWidget())
    end = forms.DateField(label=_("终止日期"), required=False, widget=DateWidget())

    field_order = ["code", "start", "end", "father_situation", "mother_situation", "distress_reason", "evidence"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("childwelfare.confirm_recognition"):
            self.fields["code"].choices = [(c.value, c.label) for c in CategoryCode if c not in SUPPORTED]


class CategoryEndForm(BootstrapMixin, forms.Form):
    end = forms.DateField(label=_("终止日期"), widget=DateWidget())
    end_reason = forms.CharField(label=_("终止原因"), max_length=100)


class CloseForm(BootstrapMixin, forms.Form):
    closed_on = forms.DateField(label=_("销档日期"), widget=DateWidget())
    close_reason = forms.ChoiceField(
        label=_("销档原因"), choices=[("aged_out", _("年满18周岁")), ("adopted", _("被收养")), ("other", _("其他"))]
    )


class VisitForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateWidget())
    visitor_name = forms.CharField(label=_("走访人"), max_length=50)
    findings = forms.CharField(label=_("走访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("后续措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecognitionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("认定类别"), choices=[(c.value, c.label) for c in SUPPORTED])
    applied_on = forms.DateField(label=_("申请日期"), widget=DateWidget())
    applicant_name = forms.CharField(label=_("申请人（监护人）"), max_length=50)
    applicant_relation = forms.CharField(label=_("与儿童关系"), max_length=20)
    applicant_phone = forms.CharField(label=_("申请人联系电话"), required=False, max_length=20)
    father_situation = forms.ChoiceField(label=_("父亲情况"), choices=_situations)
    mother_situation = forms.ChoiceField(label=_("母亲情况"), choices=_situations)
    evidence = forms.CharField(label=_("证明材料"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(BootstrapMixin, forms.Form):
    opinion = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StationForm(BootstrapMixin, forms.Form):
    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Division.objects.none(), to_field_name="code")
    kind = forms.ChoiceField(label=_("类型"), choices=Station.Kind.choices)
    name = forms.CharField(label=_("名称（专干填姓名）"), max_length=100)
    opened_on = forms.DateField(label=_("设立日期"), widget=DateWidget())
    closed_on = forms.DateField(label=_("撤销日期"), required=False, widget=DateWidget())
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)


class AdoptionFilterForm(forms.Form):
    """The list's and the export's year (the bureau's date window: a year outside it is an error, not a 500)."""

    year = forms.IntegerField(label=_("年份"), required=False, min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)


class AdoptionForm(BootstrapMixin, forms.Form):
    adopter = PersonByIdNumberField(label=_("收养人身份证号"))
    second_adopter = PersonByIdNumberField(label=_("共同收养人（配偶）身份证号"), required=False)
    child = PersonByIdNumberField(label=_("被收养人身份证号"))
    child_consent = forms.NullBooleanField(
        label=_("被收养人同意"),
        widget=forms.Select(choices=[("unknown", _("未满8周岁，不适用")), ("true", _("同意")), ("false", _("不同意"))]),
        required=False,
    )
    existing_children = forms.IntegerField(label=_("收养人现有子女数"), min_value=0, max_value=20)
    assessment_result = forms.ChoiceField(
        label=_("收养评估结论"), choices=[("", _("未录入")), ("suitable", _("适宜收养")), ("unsuitable", _("不适宜收养"))],
        required=False,
    )  # fmt: skip
    assessed_on = forms.DateField(label=_("评估日期"), required=False, widget=DateWidget())
    registered_on = forms.DateField(label=_("登记日期"), widget=DateWidget())
    registration_no = forms.CharField(label=_("登记证号"), required=False, max_length=40, help_text=_("留空自动编号"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("adopter", "second_adopter", "child"):
            self.fields[name].people = Person.objects.for_user(user)


class StandardForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=AllowanceStandard.Kind.choices)
    amount = forms.DecimalField(label=_("标准（元/月）"), max_digits=10, decimal_places=2)
    effective_from = forms.DateField(label=_("生效日期"), widget=DateWidget())
    note = forms.CharField(label=_("文件依据"), required=False, max_length=200)


class IntervalForm(BootstrapMixin, forms.Form):
    code = forms.ChoiceField(label=_("类别"), choices=CategoryCode.choices)
    days = forms.IntegerField(label=_("走访间隔（天）"))


class MonthForm(BootstrapMixin, forms.Form):
    month = forms.CharField(label=_("发放月份"), max_length=7, widget=forms.TextInput(attrs={"placeholder": "2025-03"}))

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if not re.match(r"^\d{4}-\d{2}$", value):
            raise forms.ValidationError(_("格式应为 YYYY-MM。"))
        return value


class WorkerForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ChildWorker.Kind.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Division.objects.none(), to_field_name="code")
    village = forms.ModelChoiceField(
        label=_("村（社区）"), queryset=Division.objects.none(), to_field_name="code", required=False,
        help_text=_("儿童主任必填；儿童督导员不填。"),
    )  # fmt: skip
    since = forms.DateField(label=_("任职日期"), widget=DateWidget())
    until = forms.DateField(label=_("离任日期"), required=False, widget=DateWidget())
    last_trained_on = forms.DateField(label=_("最近参加培训日期"), required=False, widget=DateWidget())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = township_choices(user)
        self.fields["township"].queryset = townships
        self.fields["village"].queryset = Division.objects.filter(
            level=Division.Level.VILLAGE, parent__in=townships
        ).order_by("code")


class CarerForm(BootstrapMixin, forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Carer.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    relation = forms.CharField(label=_("与儿童关系"), max_length=20)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    id_number = forms.CharField(
        label=_("身份证号"), required=False, max_length=32, help_text=_("选填；填写的须校验通过。")
    )
    start = forms.DateField(label=_("起始日期"), widget=DateWidget())
    agreement_signed_on = forms.DateField(
        label=_("委托照护协议签订日期"), required=False, widget=DateWidget(), help_text=_("被委托照护人必填。")
    )
    agreement_term_end = forms.DateField(label=_("协议期限至"), required=False, widget=DateWidget())
    agreement_number = forms.CharField(label=_("协议编号"), required=False, max_length=50)
    agreement_file = forms.FileField(
        label=_("协议扫描件"), required=False, help_text=_("PDF、图片或 Word 文件；没有扫描件的至少填写协议编号。")
    )


class CarerEndForm(BootstrapMixin, forms.Form):
    end = forms.DateField(label=_("终止日期"), widget=DateWidget())
    end_reason = forms.CharField(label=_("终止原因"), max_length=100)


class AssessmentForm(BootstrapMixin, forms.Form):
    assessed_on = forms.DateField(label=_("评估日期"), widget=DateWidget())
    assessor_name = forms.CharField(label=_("评估人"), max_length=50)
    risk_level = forms.ChoiceField(label=_("风险等级"), choices=RiskLevel.choices)
    findings = forms.CharField(label=_("评估情况"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(
        label=_("后续措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("高风险必填。")
    )
    next_review_on = forms.DateField(label=_("下次评估日期"), widget=DateWidget())


class RiskFollowUpForm(BootstrapMixin, forms.Form):
    follow_up_days = forms.IntegerField(label=_("高风险跟进期限（天）"))


class AssessmentFilterForm(BootstrapMixin, forms.Form):
    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False,
                                      empty_label=_("全部"), to_field_name="code")  # fmt: skip
    risk = forms.ChoiceField(label=_("风险等级"), choices=[("", _("全部")), *list(RiskLevel.choices)], required=False)
    latest = forms.BooleanField(label=_("只看每名儿童最近一次"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_choices(user)
