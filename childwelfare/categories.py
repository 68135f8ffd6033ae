"""Child welfare's categories in core's registry (core/categories.py): who was in a category on a
date, so other apps (assistance's tekun check, funeral's waivers) ask by code without importing us."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from childwelfare.models import ChildCategory
from childwelfare.models.children import CategoryCode
from core.categories import register_category


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
