"""Categories of people that other apps check eligibility against (a funeral fee waiver is for
people who were receiving dibao or tekun when they died, or who were severely disabled, ...).

The app that owns a category registers a function answering "which of these people were in the
category on this date"; an app that needs the answer asks here by the category's code, so funeral
never imports assistance. The bureau configures which codes make someone eligible for what.

    from core.categories import register_category

    @register_category("dibao", _("低保对象"))
    def dibao_people(person_ids, on_date) -> set[int]: ...

A question about many people each on a date of their own (a month's deaths, each on its date of
death) is `CATEGORIES[code].members_each({person_id: date, ...})`: one query when the owner
registered its answer for that (`register_category_each`), else one `members` call per date.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.utils.translation import gettext_lazy as _

Members = Callable[[Iterable[int], date], set[int]]
MembersEach = Callable[[Mapping[int, date]], set[int]]


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    members: Members
    each: MembersEach | None = None

    def members_each(self, dates: Mapping[int, date]) -> set[int]:
        """The people of `dates` (person id -> date) who were in the category on their own date."""
        if not dates:
            return set()
        if self.each is not None:
            return self.each(dates)
        by_date: dict[date, list[int]] = {}
        for person_id, day in dates.items():
            by_date.setdefault(day, []).append(person_id)
        return set().union(*(self.members(ids, day) for day, ids in by_date.items()))


CATEGORIES: dict[str, Category] = {}


def register_category(code: str, label):
    def wrap(func: Members) -> Members:
        CATEGORIES[code] = Category(code, label, func)
        return func

    return wrap


def register_category_each(code: str):
    """The answer for many people on dates of their own, for a category already registered."""

    def wrap(func: MembersEach) -> MembersEach:
        CATEGORIES[code] = replace(CATEGORIES[code], each=func)
        return func

    return wrap


def category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in sorted(CATEGORIES.values(), key=lambda c: c.code)]


@register_category("severe_disability", _("重度残疾人（一、二级）"))
def severe_disability(person_ids, on_date) -> set[int]:
    from core.models import Person

    return set(Person.objects.filter(pk__in=list(person_ids), disability_grade__in=(1, 2)).values_list("pk", flat=True))


@register_category_each("severe_disability")
def severe_disability_each(dates) -> set[int]:
    return severe_disability(dates, None)  # the grade on record, whatever the date
