"""Forms collect and shape input; the services decide validity. A service's ValidationError is
put back on the form by `apply_errors`, field by field."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Division, Household, Person
from core.roles import Role


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)


class PersonForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name", "id_number", "phone", "township", "village", "hukou",
            "disability_category", "disability_grade", "date_of_death",
        ]  # fmt: skip
        widgets = {"date_of_death": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"id_number": _("18位；出生日期和性别由身份证号自动得出。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        townships = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
        villages = Division.objects.filter(level=Division.Level.VILLAGE).order_by("code")
        if not user.is_city_level:
            townships = townships.filter(code=user.township_id)
            villages = villages.filter(parent_id=user.township_id)
            self.fields["township"].initial = user.township_id
        self.fields["township"].queryset = townships
        self.fields["township"].required = True
        self.fields["village"].queryset = villages
        self.fields["id_number"].required = True

    def _post_clean(self):
        # Validation is the service's (person_validate), not the ModelForm's own model check.
        pass


class HouseholdCreateForm(BootstrapMixin, forms.Form):
    address = forms.CharField(label=_("住址"), max_length=200, required=False)


class HouseholdMemberForm(BootstrapMixin, forms.Form):
    id_number = forms.CharField(label=_("成员身份证号"), max_length=18)
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=[c for c in Household.Relation.choices if c[0] != Household.Relation.HEAD]
    )


class PersonSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=18)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Division.objects.none(), required=False, empty_label=_("全部乡镇（街道）"),
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships


class PersonListSearchForm(PersonSearchForm):
    """The people list's search: PersonSearchForm, and whether the deceased are shown."""

    deceased = forms.ChoiceField(
        label=_("人员状态"),
        required=False,
        choices=[("", _("在世人员")), ("include", _("含已故")), ("only", _("仅已故"))],
    )


class ImportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    # A new account starts with the narrowest role (one village's applications), never 系统管理员.
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, initial=Role.VILLAGE_ASSISTANT)
    township = forms.ModelChoiceField(
        label=_("所属乡镇（街道）"),
        queryset=Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code"),
        required=False,
        to_field_name="code",
    )
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, min_length=8)


class LoginForm(AuthenticationForm):
    """The login page's form: a refused login of a locked account says until when (the account-wide
    lock refuses before django-axes' own lockout page would), instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            from core.services.access import lockout_message, login_locked_until

            until = login_locked_until(self.request, (self.cleaned_data.get("username") or "").strip())
            if until is not None:
                raise ValidationError(lockout_message(until), code="locked") from None
            raise
