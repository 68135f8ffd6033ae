"""Categories of people that other apps check eligibility against (a funeral fee waiver is for
people who were receiving dibao or tekun when they died, or who were severely disabled, ...).

The app that owns a category registers a function answering "which of these people were in the
category on this date"; an app that needs the answer asks here by the category's code, so funeral
never imports assistance. The bureau configures which codes make someone eligible for what.

    from core.categories import register_category

    @register_category("dibao", _("低保对象"))
    def dibao_people(person_ids, on_date) -> set[int]: ...
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

Members = Callable[[Iterable[int], date], set[int]]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    members: Members


CATEGORIES: dict[str, Category] = {}


def register_category(code: str, label):
    def wrap(func: Members) -> Members:
        CATEGORIES[code] = Category(code, label, func)
        return func

    return wrap


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in sorted(CATEGORIES.values(), key=lambda c: c.code)]


@register_category("severe_disability", _("重度残疾人（一、二级）"))
def severe_disability(person_ids, on_date) -> set[int]:
    from core.models import Person

    return set(Person.objects.filter(pk__in=list(person_ids), disability_grade__in=(1, 2)).values_list("pk", flat=True))
