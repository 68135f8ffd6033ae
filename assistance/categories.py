"""Assistance's categories in core's registry (core/categories.py): who was covered by an active
case of a kind on a date. Funeral asks these to decide fee waivers without importing assistance."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assistance.models import Case, CaseMember
from core.categories import register_category


def _covered_on(kind: str, person_ids, on_date) -> set[int]:
    ever_paying = (Case.State.ACTIVE, Case.State.SUSPENDED, Case.State.GRADUAL_EXIT, Case.State.ENDED)
    return set(
        CaseMember.objects.filter(
            person_id__in=list(person_ids),
            covered=True,
            case__kind=kind,
            case__state__in=ever_paying,
            case__decided_on__lte=on_date,
        )
        .filter(Q(case__ended_on__isnull=True) | Q(case__ended_on__gte=on_date))
        .values_list("person_id", flat=True)
    )


@register_category("dibao", _("低保对象"))
def dibao(person_ids, on_date) -> set[int]:
    return _covered_on(Case.Kind.DIBAO, person_ids, on_date)


@register_category("tekun", _("特困人员"))
def tekun(person_ids, on_date) -> set[int]:
    return _covered_on(Case.Kind.TEKUN, person_ids, on_date)


@register_category("edge_family", _("低保边缘家庭成员"))
def edge_family(person_ids, on_date) -> set[int]:
    return _covered_on(Case.Kind.EDGE, person_ids, on_date)
