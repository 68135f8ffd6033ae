"""The portal's form renderer writes inputs, selects, textareas and labels in Python: the HTML must
be exactly what Django's widget templates write, for every widget kind, value and attribute, with
the same escaping, or a form would look, submit or escape differently."""

import datetime

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from assistance.forms.cases import CaseFilterForm, IntakeForm
from core.forms import PersonForm
from core.models import Division
from core.renderers import PortalFormRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'


class EveryWidget(forms.Form):
    text = forms.CharField(label=HOSTILE, max_length=18, required=False)
    required_text = forms.CharField(label=gettext_lazy("姓名"), help_text="help")
    number = forms.DecimalField(max_digits=10, decimal_places=2, required=False)
    integer = forms.IntegerField(min_value=0, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    month = forms.CharField(widget=forms.TextInput(attrs={"type": "month", "disabled": True, "readonly": False}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(required=False)
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(choices=[("", "全部"), ("a", gettext_lazy("特困供养")), (HOSTILE, HOSTILE), (3, 2021)])
    grouped = forms.ChoiceField(choices=[("", "—"), ("组一", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False)
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    maybe = forms.NullBooleanField(required=False)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    upload = forms.FileField(required=False)
    township = forms.ModelChoiceField(queryset=Division.objects.none(), to_field_name="code", required=False)
    # an aware datetime shown in local time, a number with a thousands separator, a callable attribute
    at = forms.ChoiceField(
        choices=[("t", datetime.datetime(2024, 1, 1, 23, 30, tzinfo=datetime.UTC)), ("n", 1234567)],
        widget=forms.Select(attrs={"data-made": lambda: "by a callable", "data-kept": str}),
        required=False,
    )


BOUND = [
    {},
    {"text": HOSTILE, "required_text": "张 三", "number": "1234.5", "integer": "-1", "day": "1800-01-01",
     "hidden": HOSTILE, "flag": "on", "email": "a@b", "secret": HOSTILE, "notes": f"{HOSTILE}\n第二行",
     "kind": HOSTILE, "grouped": "y", "many": ["a", "c"], "maybe": "true", "radio": "b", "township": "350583113"},
    {"text": "x" * 100_000, "number": "abc", "kind": "3", "grouped": "z", "maybe": "false", "notes": ""},
]  # fmt: skip


def _pages(form) -> list[str]:
    out = []
    for bound in form:
        out.append(str(bound))
        out.append(bound.label_tag())
        out.append(bound.label_tag(attrs={"class": "form-label", "data-x": HOSTILE}, label_suffix=""))
        out.append(bound.legend_tag())
    out.append(form.as_div())
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [False, True])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", BOUND)
def test_the_renderer_writes_what_the_widget_templates_write(data, language, separator, admin_user, settings):
    settings.USE_THOUSAND_SEPARATOR = separator
    townships = Division.objects.filter(level=Division.Level.TOWNSHIP)
    with override(language):
        forms_of = [
            lambda renderer: EveryWidget(data or None, initial={"hidden": mark_safe("<b>safe</b>")}, renderer=renderer),
            lambda renderer: CaseFilterForm(data or None, townships=townships, renderer=renderer),
            lambda renderer: IntakeForm(data or None, renderer=renderer),
            lambda renderer: PersonForm(data or None, user=admin_user, renderer=renderer),
        ]
        for make in forms_of:
            theirs, ours = make(DjangoTemplates()), make(PortalFormRenderer())
            if theirs.fields.get("township") is not None and hasattr(theirs.fields["township"], "queryset"):
                theirs.fields["township"].queryset = ours.fields["township"].queryset = townships
            if data:
                theirs.is_valid(), ours.is_valid()
            assert _pages(ours) == _pages(theirs)


def test_the_portal_draws_its_forms_with_the_renderer():
    assert settings.FORM_RENDERER == "core.renderers.PortalFormRenderer"
    assert isinstance(forms.Form().renderer, PortalFormRenderer)


def test_hostile_text_is_escaped_in_every_place_it_is_drawn():
    html = "".join(_pages(EveryWidget({"text": HOSTILE, "kind": HOSTILE}, renderer=PortalFormRenderer())))
    assert "<script>" not in html
    assert "&quot;&gt;&lt;script&gt;" in html
