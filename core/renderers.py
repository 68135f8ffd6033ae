"""The form renderer (settings.FORM_RENDERER): the widgets every page draws most (inputs, selects
with their options, textareas, labels) are written here in Python, the same HTML as Django's own
widget templates; every other template goes to the template engine as before.

Why: Django draws a select through one template per option. The case list's filter bar (27
townships, 11 states, 5 kinds) cost more than the page's queries, and every form page pays the
same. tests/core/test_form_renderer.py holds this renderer's HTML against the templates' for every
widget kind, value and attribute the portal uses, escaping included.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    out = []
    for name, value in (attrs or {}).items():
        if callable(value) and not getattr(value, "do_not_call_in_templates", False):
            value = value()  # as the template engine resolves a variable
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless already safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _shown(value) -> str:
    """`{{ value }}`: in local time and localized as the template engine does, then escaped."""
    return conditional_escape(localize(template_localtime(value)))


def _input(widget) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    return f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>'


def _select(widget) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None  # a widget with options of its own: its templates draw it
            parts.append(f"\n  {_option(option)}\n")  # select_option.html ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context) -> str:
    if not context["use_tag"]:
        return _shown(context["label"])
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_shown(context['label'])}</{tag}>"


_INPUTS = ("checkbox", "color", "date", "datetime", "email", "file", "hidden", "input", "number", "password",
           "search", "tel", "text", "time", "url")  # fmt: skip
_WIDGETS = {f"django/forms/widgets/{name}.html": _input for name in _INPUTS} | {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        draw = _WIDGETS.get(template_name)
        html = None
        if draw is not None:
            html = draw(context["widget"])
        elif template_name == "django/forms/label.html":
            html = _label(context)
        if html is None:
            return super().render(template_name, context, request=request)
        return SafeString(html.strip())
