from django import template

from core.identifiers import mask_id_number, mask_name

register = template.Library()


@register.filter
def mask_id(value):
    return mask_id_number(value) or "—"


@register.filter
def masked_name(value):
    return mask_name(value)
