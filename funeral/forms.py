"""Forms collect and shape input; the services decide validity (core.forms.apply_errors puts a
service's errors back on the fields)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.categories import category_choices
from core.forms import BootstrapMixin
from core.models import Division
from funeral.models import DeathRecord, Facility, FeeItem, FeeItemPrice, Placement, TombCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _townships(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
    return qs if user.is_city_level else qs.filter(code=user.township_id)


class RecordFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名、身份证号或火化证明编号"), required=False, max_length=30)
    month = forms.DateField(
        label=_("死亡月份"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip
    form = forms.ChoiceField(label=_("安葬方式"), required=False)
    waiver = forms.ChoiceField(
        label=_("减免"), required=False, choices=[("", _("全部")), ("yes", _("已减免")), ("no", _("未减免"))]
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, widget=forms.HiddenInput)
    eco = forms.ChoiceField(required=False, choices=[("", ""), ("yes", "yes"), ("no", "no")], widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = _townships(user)
        self.fields["form"].choices = [("", _("全部安葬方式")), *Placement.Form.choices]

    def filters(self) -> dict:
        d = self.cleaned_data
        flag = {"yes": True, "no": False}
        return {
            "q": d["q"],
            "month": d["month"],
            "township": d["township"].code if d["township"] else None,
            "form": d["form"],
            "waiver": flag.get(d["waiver"]),
            "year": d["year"],
            "eco": flag.get(d["eco"]),
        }


class RecordForm(BootstrapMixin, forms.Form):
    """A death and cremation record with its placement and waiver (all optional but the record)."""

    identity_unknown = forms.BooleanField(label=_("身份不明（无名尸）"), required=False)
    id_number = forms.CharField(
        label=_("身份证号"),
        required=False,
        max_length=18,
        help_text=_("已登记的人员按身份证号关联；未登记的同时登记为人员。"),
    )
    name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    unknown_description = forms.CharField(label=_("身份不明者描述"), required=False, max_length=100)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, to_field_name="code",
        help_text=_("已登记人员以户籍为准；身份不明者填发现地。"),
    )  # fmt: skip
    date_of_death = forms.DateField(label=_("死亡日期"), widget=DATE)
    cremation_date = forms.DateField(label=_("火化日期"), required=False, widget=DATE)
    funeral_home = forms.ModelChoiceField(label=_("殡仪馆"), queryset=Facility.objects.none(), required=False)
    certificate_no = forms.CharField(label=_("火化证明编号"), required=False, max_length=30)
    contact_name = forms.CharField(label=_("家属联系人"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("家属联系电话"), required=False, max_length=20)

    form = forms.ChoiceField(label=_("安葬方式"), required=False)
    facility = forms.ModelChoiceField(label=_("安葬（放）设施"), queryset=Facility.objects.none(), required=False)
    place = forms.CharField(label=_("具体位置"), required=False, max_length=100)
    placed_on = forms.DateField(label=_("安葬（放）日期"), required=False, widget=DATE)

    waiver = forms.BooleanField(label=_("办理基本殡葬服务费减免"), required=False)
    waiver_items = forms.MultipleChoiceField(
        label=_("减免项目"), required=False, choices=FeeItem.choices, widget=forms.CheckboxSelectMultiple,
        initial=list(FeeItem.values),
    )  # fmt: skip
    urn_price = forms.DecimalField(
        label=_("所购骨灰盒价格（元）"), required=False, min_value=0, max_digits=8, decimal_places=2,
        help_text=_("超出限额的部分不减免。"),
    )  # fmt: skip

    RECORD_FIELDS = (
        "identity_unknown", "id_number", "name", "unknown_description", "township", "date_of_death",
        "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone",
    )  # fmt: skip
    PLACEMENT_FIELDS = ("form", "facility", "place", "placed_on")
    WAIVER_FIELDS = ("waiver", "waiver_items", "urn_price")

    def __init__(self, *args, user, record: DeathRecord | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record
        self.fields["township"].queryset = _townships(user)
        self.fields["funeral_home"].queryset = Facility.objects.filter(kind=Facility.Kind.FUNERAL_HOME)
        self.fields["facility"].queryset = (
            Facility.objects.exclude(kind=Facility.Kind.FUNERAL_HOME)
            .exclude(status=Facility.Status.CLOSED)
            .select_related("township")
            .order_by("level", "township_id", "name")
        )
        self.fields["form"].choices = [("", _("尚未安葬（放）")), *Placement.Form.choices]
        self.fields["waiver_items"].widget.attrs["class"] = "form-check-input"
        if record is not None:
            # The deceased cannot change on edit; the waiver, once granted, is frozen.
            for name in ("identity_unknown", "id_number", "name"):
                del self.fields[name]
            if not record.identity_unknown:
                del self.fields["township"]
                del self.fields["unknown_description"]
            if hasattr(record, "waiver"):
                for name in self.WAIVER_FIELDS:
                    del self.fields[name]

    def section(self, names):
        return [self[n] for n in names if n in self.fields]

    def record_fields(self):
        return self.section(self.RECORD_FIELDS)

    def placement_fields(self):
        return self.section(self.PLACEMENT_FIELDS)

    def waiver_fields(self):
        return self.section(self.WAIVER_FIELDS)


def record_initial(record: DeathRecord) -> dict:
    initial = {
        f: getattr(record, f)
        for f in ("date_of_death", "cremation_date", "funeral_home", "certificate_no", "contact_name", "contact_phone")
    }
    initial["township"] = record.township_id
    initial["unknown_description"] = record.unknown_description
    placement = getattr(record, "placement", None)
    if placement is not None:
        initial.update(
            form=placement.form, facility=placement.facility_id, place=placement.place, placed_on=placement.placed_on
        )
    return initial


class FacilityForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Facility
        fields = [
            "name", "kind", "level", "township", "address", "grave_capacity", "graves_used", "niche_capacity",
            "niches_used", "opened_on", "closed_on", "status", "note",
        ]  # fmt: skip
        widgets = {"opened_on": DATE, "closed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
        if self.instance.pk:
            # Maintained by placements: settable at creation only.
            for name in ("graves_used", "niches_used"):
                self.fields[name].disabled = True

    def _post_clean(self):
        pass  # the service validates


class TombCaseForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = TombCase
        fields = ["township", "village", "location", "kind", "found_on", "action", "action_note", "closed_on"]
        widgets = {"found_on": DATE, "closed_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = _townships(user)
        villages = Division.objects.filter(level=Division.Level.VILLAGE).order_by("code")
        if not user.is_city_level:
            villages = villages.filter(parent_id=user.township_id)
            self.fields["township"].initial = user.township_id
        self.fields["village"].queryset = villages

    def _post_clean(self):
        pass


class TombFilterForm(BootstrapMixin, forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("类型"), required=False)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("open", _("未办结")), ("closed", _("已办结"))]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = _townships(user)
        self.fields["kind"].choices = [("", _("全部类型")), *TombCase.Kind.choices]


class YearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = _townships(user)

    def year_or(self, default: int) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return default


class FeePriceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FeeItemPrice
        fields = ["item", "price", "effective_from", "note"]
        widgets = {"effective_from": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate

    def _post_clean(self):
        pass


class EligibleCategoryForm(BootstrapMixin, forms.Form):
    code = forms.ChoiceField(label=_("人员类别"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = category_choices()
