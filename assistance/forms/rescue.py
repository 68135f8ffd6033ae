"""Forms for the vagrant rescue pages (流浪乞讨人员救助). They shape input; assistance.services.rescue
decides validity, and its errors are put back on the form field by field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance.forms.widgets import DateInput
from assistance.models import Rescue
from assistance.selectors import MASKED
from core.forms import BootstrapMixin
from core.identifiers import normalize_id_number, validate_id_number
from core.limits import REASON_MAX
from core.models import Person

#: The filter's value for "still at the station": the model stores it as "", which a GET form
#: cannot tell apart from "no filter".
PENDING = "pending"


class RescueFilterForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("入站年份"), required=False, min_value=2000, max_value=2100)
    outcome = forms.ChoiceField(label=_("去向"), required=False)
    identified = forms.ChoiceField(
        label=_("身份"),
        required=False,
        choices=[("", _("全部")), ("yes", _("已查明身份")), ("no", _("身份未查明"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        outcomes = [(PENDING if value == "" else value, label) for value, label in Rescue.Outcome.choices]
        self.fields["outcome"].choices = [("", _("全部去向")), *outcomes]
        self.fields["year"].widget.attrs.setdefault("placeholder", str(timezone.localdate().year))

    def selector_filters(self) -> dict:
        """The keyword arguments of selectors.rescue_list (outcome None = any, "" = still at the station)."""
        data = self.cleaned_data
        outcome = data.get("outcome") or None
        return {
            "year": data.get("year"),
            "outcome": "" if outcome == PENDING else outcome,
            "identified": data.get("identified") or "",
        }


class RescueForm(BootstrapMixin, forms.Form):
    """One rescue record. The person is picked by ID number from the people the user may see;
    an unknown person is recorded under a provisional name until identified."""

    intake_date = forms.DateField(label=_("入站日期"), widget=DateInput())
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        help_text=_("已查明身份的填写；须已在“人员”中登记。身份未查明的留空并填写临时称呼。"),
    )
    provisional_name = forms.CharField(
        label=_("临时称呼"), max_length=50, required=False, help_text=_("身份未查明时，如“无名氏2025-03”。")
    )
    sex = forms.ChoiceField(
        label=_("性别"), required=False, help_text=_("身份未查明时填写；已关联人员的以身份证号为准。")
    )
    found_township = forms.ModelChoiceField(
        label=_("发现地乡镇（街道）"), queryset=None, required=False, to_field_name="code", empty_label=_("（未知）")
    )
    description = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX
    )
    identity_established_on = forms.DateField(label=_("查明身份日期"), required=False, widget=DateInput())
    identity_method = forms.ChoiceField(label=_("查明方式"), required=False)
    outcome = forms.ChoiceField(label=_("去向"), required=False)
    outcome_date = forms.DateField(label=_("离站日期"), required=False, widget=DateInput())
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, townships, instance: Rescue | None = None, person_masked=False, **kwargs):
        #: The record's person is registered outside the user's jurisdiction: the form shows the masked
        #: number (assistance.selectors.rescue_person_policies) and keeps the person while it is unchanged.
        self.kept_person, self.masked_number = None, ""
        if instance is not None and instance.person_id and person_masked:
            self.kept_person, self.masked_number = instance.person, MASKED.id_number(instance.person.id_number)
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "intake_date": instance.intake_date,
                "id_number": (self.masked_number or instance.person.id_number) if instance.person_id else "",
                "provisional_name": instance.provisional_name,
                "sex": instance.sex,
                "found_township": instance.found_township_id,
                "description": instance.description,
                "identity_established_on": instance.identity_established_on,
                "identity_method": instance.identity_method,
                "outcome": instance.outcome,
                "outcome_date": instance.outcome_date,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["sex"].choices = [("", _("（未知）")), *Person.Sex.choices]
        self.fields["identity_method"].choices = [("", "—"), *Rescue.IdentityMethod.choices]
        self.fields["outcome"].choices = Rescue.Outcome.choices
        self.fields["found_township"].queryset = townships
        if instance is None:
            self.fields["intake_date"].initial = timezone.localdate()
            if not user.is_city_level:
                self.fields["found_township"].initial = user.township_id

    #: The form's two columns: who came in, and how they were identified and left.
    INTAKE = ("intake_date", "id_number", "provisional_name", "sex", "found_township", "description")
    OUTCOME = ("identity_established_on", "identity_method", "outcome", "outcome_date", "note")

    @property
    def intake_fields(self):
        return [self[name] for name in self.INTAKE]

    @property
    def outcome_fields(self):
        return [self[name] for name in self.OUTCOME]

    def clean_id_number(self) -> Person | None:
        number = normalize_id_number(self.cleaned_data["id_number"])
        if not number:
            return None
        if self.kept_person is not None and number == self.masked_number:
            return self.kept_person
        validate_id_number(number)
        # Another township's person answers like a missing one: its existence is not disclosed.
        person = Person.objects.for_user(self.user).filter(id_number=number).first()
        if person is None:
            raise forms.ValidationError(_("本辖区没有此身份证号的人员，请先在“人员”中登记。"))
        return person

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service error on `person` belongs to the ID number input of this form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for field, messages in exc.message_dict.items():
            field = "id_number" if field == "person" else field
            self.add_error(field if field in self.fields else None, messages)

    def service_data(self) -> dict:
        """The keyword arguments of rescue_create / rescue_update."""
        data = dict(self.cleaned_data)
        data["person"] = data.pop("id_number")
        return data
