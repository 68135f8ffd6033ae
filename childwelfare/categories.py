"""Child welfare's categories in core's registry (core/categories.py): who was in a category on a
date, so other apps (assistance's tekun check, funeral's waivers) ask by code without importing us."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from childwelfare.models import ChildCategory
from childwelfare.models.children import CategoryCode
from core.categories import register_category, register_category_each


def _in_category(code: str, person_ids, on_date) -> set[int]:
    return set(
        ChildCategory.objects.filter(child__person_id__in=list(person_ids), code=code, start__lte=on_date)
        .filter(Q(end__isnull=True) | Q(end__gte=on_date))
        .values_list("child__person_id", flat=True)
    )


@register_category("orphan", _("孤儿"))
def orphan(person_ids, on_date) -> set[int]:
    return _in_category(CategoryCode.ORPHAN, person_ids, on_date)


@register_category("de_facto_unsupported", _("事实无人抚养儿童"))
def de_facto_unsupported(person_ids, on_date) -> set[int]:
    return _in_category(CategoryCode.DE_FACTO_UNSUPPORTED, person_ids, on_date)


@register_category("distress_child", _("困境儿童"))
def distress(person_ids, on_date) -> set[int]:
    return _in_category(CategoryCode.DISTRESS, person_ids, on_date)


@register_category("left_behind_child", _("留守儿童"))
def left_behind(person_ids, on_date) -> set[int]:
    return _in_category(CategoryCode.LEFT_BEHIND, person_ids, on_date)


def _in_category_each(code: str, dates) -> set[int]:
    """_in_category for each person on a date of their own, in one query (the periods compared here)."""
    periods = ChildCategory.objects.filter(child__person_id__in=list(dates), code=code).values_list(
        "child__person_id", "start", "end"
    )
    return {pid for pid, start, end in periods if start <= dates[pid] and (end is None or end >= dates[pid])}


@register_category_each("orphan")
def orphan_each(dates) -> set[int]:
    return _in_category_each(CategoryCode.ORPHAN, dates)


@register_category_each("de_facto_unsupported")
def de_facto_unsupported_each(dates) -> set[int]:
    return _in_category_each(CategoryCode.DE_FACTO_UNSUPPORTED, dates)


@register_category_each("distress_child")
def distress_each(dates) -> set[int]:
    return _in_category_each(CategoryCode.DISTRESS, dates)


@register_category_each("left_behind_child")
def left_behind_each(dates) -> set[int]:
    return _in_category_each(CategoryCode.LEFT_BEHIND, dates)
