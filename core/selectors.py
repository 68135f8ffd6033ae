"""Reads. Every one starts from the user's jurisdiction."""

import re

from django.db.models import Count, OuterRef, Prefetch, Subquery

from core.models import Division, Household, HouseholdMember, Person
from core.personal import personal_data

_ID_PREFIX = re.compile(r"^\d{4,17}[\dXx]?$")


def _search(qs, q: str, *, name_field: str, id_field: str, user=None):
    """Name or ID number from the left. A user who sees them masked must give the whole value: a
    prefix search would let them recover the masked characters one at a time."""
    q = (q or "").strip()
    if not q:
        return qs
    pd = personal_data(user) if user is not None else None
    if _ID_PREFIX.match(q):
        if pd is not None and not pd.full_id_number:
            return qs.filter(**{id_field: q.upper()})
        return qs.filter(**{f"{id_field}__startswith": q.upper()})
    if pd is not None and not pd.full_name:
        return qs.filter(**{name_field: q})
    return qs.filter(**{f"{name_field}__startswith": q})


def township_choices(user):
    qs = Division.objects.filter(level=Division.Level.TOWNSHIP).order_by("code")
    if not user.is_city_level:
        qs = qs.filter(code=user.township_id)
    return qs


#: Who the people list shows: the living (the page's default), everyone (the API's default), or the
#: deceased only.
DECEASED_EXCLUDE = "exclude"
DECEASED_INCLUDE = "include"
DECEASED_ONLY = "only"

#: The API's order for people: by township, then the most recently registered first. The index
#: person_township_recent (township, -id) serves it for a township and the city alike, and it stays
#: put while a REST client pages through.
PERSON_ORDER = ("township_id", "-id")
#: The people page's order, the one a clerk keeps the registry in: township, village (people without
#: one last), then as registered, which keeps a household's members together (the import and the
#: intake register a household at once). The partial index person_living_by_village serves the
#: page's default, the living, so page 1 reads 50 index entries of a city of 1.5 million.
PERSON_PAGE_ORDER = ("township_id", "village_id", "id")


def person_filter_deceased(qs, deceased: str = ""):
    """The living by default (or `exclude`); `include` everyone, `only` the deceased."""
    if deceased == DECEASED_INCLUDE:
        return qs
    if deceased == DECEASED_ONLY:
        return qs.filter(date_of_death__isnull=False)
    return qs.filter(date_of_death__isnull=True)


def person_list(*, user, q: str = "", township: str | None = None, deceased: str = ""):
    """People of the user's jurisdiction: the living unless `deceased` says otherwise."""
    qs = person_filter_deceased(Person.objects.for_user(user).select_related("township", "village"), deceased)
    if township:
        qs = qs.filter(township_id=township)
    return _search(qs, q, name_field="name", id_field="id_number", user=user).order_by(*PERSON_PAGE_ORDER)


def person_detail_queryset(*, user):
    return Person.objects.for_user(user).select_related("township", "village", "membership__household__head")


def household_list(*, user, q: str = "", township: str | None = None):
    qs = Household.objects.for_user(user).select_related("head", "township", "village")
    if township:
        qs = qs.filter(township_id=township)
    qs = _search(qs, q, name_field="head__name", id_field="head__id_number", user=user)
    # A correlated subquery is evaluated for the page's rows only, not the whole township.
    members = (
        HouseholdMember.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(member_count=Subquery(members)).order_by("-id")


def household_detail_queryset(*, user):
    members = HouseholdMember.objects.select_related("person").order_by("id")
    return (
        Household.objects.for_user(user)
        .select_related("head", "township", "village")
        .prefetch_related(Prefetch("members", queryset=members))
    )
