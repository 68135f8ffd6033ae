"""Forms collect and shape input; the services decide validity (core.forms.apply_errors puts a
service's errors back on the fields)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from core.models import Division, Person
from orgs.models import (
    NOTE_MAX,
    AnnualReport,
    CommunityFacility,
    GradeEvaluation,
    ListEntry,
    Organisation,
    SocialWorker,
    SocialWorkStation,
    Supervision,
    VolunteerRecord,
)
from orgs.services.reports import REVIEW_PERMISSION

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def townships(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP, in_plan=True).order_by("code")
    return qs if user.is_city_level else qs.filter(code=user.township_id)


class _ServiceValidated(BootstrapMixin, forms.ModelForm):
    def __init__(self, *args, user=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        pass  # the service validates


class OrganisationFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型")), *Organisation.Type.choices])
    status = forms.ChoiceField(
        label=_("登记状态"), required=False, choices=[("", _("全部状态")), *Organisation.Status.choices]
    )
    grade = forms.ChoiceField(
        label=_("评估等级"),
        required=False,
        choices=[
            ("", _("全部等级")),
            ("3A+", _("3A及以上")),
            *GradeEvaluation.Grade.choices,
            ("none", _("无有效等级")),
        ],
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip
    overdue = forms.IntegerField(
        label=_("逾期未报年度"), required=False, min_value=2000, max_value=2100, help_text=_("如 2024")
    )
    standing_on = forms.DateField(label=_("在册日期"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)


class OrganisationForm(_ServiceValidated):
    class Meta:
        model = Organisation
        fields = [
            "name", "credit_code", "type", "registered_on", "township", "address", "legal_representative",
            "business_scope", "supervising_unit", "registered_capital", "party_organisation", "party_organisation_on",
            "charity", "public_fundraising",
        ]  # fmt: skip
        widgets = {
            "registered_on": DATE,
            "party_organisation_on": DATE,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)
        self.fields["credit_code"].max_length = 30  # a longer code is the service's error, with its reason


class StatusChangeForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("变更为"),
        choices=[(Organisation.Status.DEREGISTERED, _("注销")), (Organisation.Status.REVOKED, _("撤销登记"))],
    )
    changed_on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("事由"), required=False, max_length=2000)


class AnnualReportForm(_ServiceValidated):
    class Meta:
        model = AnnualReport
        fields = ["year", "submitted_on", "result", "note"]
        widgets = {"submitted_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        if user is None or not user.has_perm(REVIEW_PERMISSION):
            del self.fields["result"]  # the bureau's review, not the recorder's (the service refuses it too)


class ReportReviewForm(BootstrapMixin, forms.Form):
    report = forms.ModelChoiceField(label=_("报告年度"), queryset=AnnualReport.objects.none(), empty_label=None)
    result = forms.ChoiceField(label=_("审查结论"), choices=AnnualReport.Result.choices)
    note = forms.CharField(label=_("备注"), required=False, max_length=NOTE_MAX)

    def __init__(self, *args, user=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        reports = organisation.annual_reports.order_by("-year") if organisation else AnnualReport.objects.none()
        self.fields["report"].queryset = reports
        self.fields["report"].label_from_instance = self.report_label

    @staticmethod
    def report_label(report) -> str:
        return _("%(y)d 年度（%(r)s）") % {"y": report.year, "r": report.get_result_display()}


class GradeForm(_ServiceValidated):
    class Meta:
        model = GradeEvaluation
        fields = ["grade", "evaluated_on", "note"]
        widgets = {"evaluated_on": DATE}


class SupervisionForm(_ServiceValidated):
    class Meta:
        model = Supervision
        fields = ["kind", "done_on", "result", "fine", "note"]
        widgets = {"done_on": DATE}


class ListEntryForm(_ServiceValidated):
    class Meta:
        model = ListEntry
        fields = ["kind", "listed_on", "reason"]
        widgets = {"listed_on": DATE}


class ListRemoveForm(BootstrapMixin, forms.Form):
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE)
    removal_reason = forms.CharField(label=_("移出事由"), max_length=500)


class ListConfirmForm(BootstrapMixin, forms.Form):
    confirmed_on = forms.DateField(label=_("决定日期"), widget=DATE)


class PersonByIdField(forms.CharField):
    """A person of the user's jurisdiction given by ID number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("label", _("身份证号"))
        super().__init__(**kwargs)


def person_by_id_number(user, id_number: str) -> Person | None:
    from core.identifiers import normalize_id_number

    number = normalize_id_number(id_number) or (id_number or "").strip().upper()
    return Person.objects.for_user(user).filter(id_number=number).first()


class SocialWorkerForm(_ServiceValidated):
    id_number = PersonByIdField()

    class Meta:
        model = SocialWorker
        fields = ["level", "certificate_no", "certified_year", "employer", "township", "left_on"]
        widgets = {"left_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)
        self.order_fields(["id_number", *self.Meta.fields])


class WorkerFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名、证书编号或单位"), required=False, max_length=50)
    level = forms.ChoiceField(
        label=_("等级"), required=False, choices=[("", _("全部等级")), *SocialWorker.Level.choices]
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip
    on = forms.DateField(label=_("在册日期"), required=False, widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)


class StationForm(_ServiceValidated):
    class Meta:
        model = SocialWorkStation
        fields = ["township", "name", "status", "opened_on", "closed_on", "staff_count", "operator"]
        widgets = {"opened_on": DATE, "closed_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)


class FacilityForm(_ServiceValidated):
    class Meta:
        model = CommunityFacility
        fields = ["village", "name", "floor_area_m2", "in_use_from", "in_use_to", "volunteer_station_since"]
        widgets = {"in_use_from": DATE, "in_use_to": DATE, "volunteer_station_since": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Division.objects.filter(level=Division.Level.VILLAGE).select_related("parent").order_by("code")
        if not user.is_city_level:
            villages = villages.filter(parent_id=user.township_id)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda d: f"{d.parent.name} {d.name}"


class FacilityFilterForm(BootstrapMixin, forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip
    on = forms.DateField(label=_("在用日期"), required=False, widget=DATE)
    station = forms.ChoiceField(
        label=_("志愿服务站"), required=False, choices=[("", _("全部")), ("yes", _("已设立")), ("no", _("未设立"))]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)


class VolunteerRecordForm(_ServiceValidated):
    id_number = PersonByIdField(label=_("志愿者身份证号"))

    class Meta:
        model = VolunteerRecord
        fields = ["township", "activity", "served_on", "hours", "organiser", "facility"]
        widgets = {"served_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships(user)
        self.fields["facility"].queryset = CommunityFacility.objects.for_user(user).filter(
            volunteer_station_since__isnull=False
        )
        self.order_fields(["id_number", *self.Meta.fields])


class CertificateForm(BootstrapMixin, forms.Form):
    id_number = PersonByIdField(label=_("志愿者身份证号"))
    start = forms.DateField(label=_("起始日期"), widget=DATE)
    end = forms.DateField(label=_("截止日期"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data
