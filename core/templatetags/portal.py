from django import template

from core.identifiers import mask_id_number, mask_name

register = template.Library()


@register.filter
def mask_id(value):
    return mask_id_number(value) or "—"


@register.filter
def masked_name(value):
    return mask_name(value)


@register.simple_tag(takes_context=True)
def personal(context, value, kind="name"):
    """{% personal person.name "name" %}: the value as core.personal's policy lets this user see it."""
    from core.personal import personal_data

    request = context.get("request")
    return personal_data(getattr(request, "user", None)).show(kind, value) or "—"
