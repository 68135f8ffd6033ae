"""Assistance's categories in core's registry (core/categories.py): who was covered by an active
case of a kind on a date. Funeral asks these to decide fee waivers without importing assistance."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assistance.models import Case, CaseMember
from core.categories import register_category, register_category_each

EVER_PAYING = (Case.State.ACTIVE, Case.State.SUSPENDED, Case.State.GRADUAL_EXIT, Case.State.ENDED)


def _covered_on(kind: str, person_ids, on_date) -> set[int]:
    return set(
        CaseMember.objects.filter(
            person_id__in=list(person_ids),
            covered=True,
            case__kind=kind,
            case__state__in=EVER_PAYING,
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


def _covered_each(kind: str, dates) -> set[int]:
    """_covered_on for each person on a date of their own, in one query (the spans compared here)."""
    spans = CaseMember.objects.filter(
        person_id__in=list(dates), covered=True, case__kind=kind, case__state__in=EVER_PAYING
    ).values_list("person_id", "case__decided_on", "case__ended_on")
    return {
        person_id
        for person_id, decided, ended in spans
        if decided is not None and decided <= dates[person_id] and (ended is None or ended >= dates[person_id])
    }


@register_category_each("dibao")
def dibao_each(dates) -> set[int]:
    return _covered_each(Case.Kind.DIBAO, dates)


@register_category_each("tekun")
def tekun_each(dates) -> set[int]:
    return _covered_each(Case.Kind.TEKUN, dates)


@register_category_each("edge_family")
def edge_family_each(dates) -> set[int]:
    return _covered_each(Case.Kind.EDGE, dates)
