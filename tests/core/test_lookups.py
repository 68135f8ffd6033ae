"""`field__any_of=[...]` (core/lookups.py) finds exactly what `field__in` finds, with the list sent
as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    people = PersonFactory.create_batch(3)
    numbers = [p.id_number for p in people[:2]] + ["350583199001011239", "x'); DROP TABLE core_person; --", '{"a",b}']
    found = set(Person.objects.filter(id_number__any_of=numbers).values_list("pk", flat=True))
    assert found == set(Person.objects.filter(id_number__in=numbers).values_list("pk", flat=True))
    assert found == {people[0].pk, people[1].pk}


def test_texts_with_the_array_syntax_in_them_are_found_as_they_are():
    """On PostgreSQL the list goes as one array literal: a quote, a backslash, a comma, a brace, a
    space, NULL spelled out or an empty text in a value is part of that value, and matches only it."""
    names = ['陈"大"明', "林\\秀\\英", "黄,伟", "{王}", " 张 三 ", "NULL", "", "李'四", "吴\\"]
    people = [PersonFactory(name=name) for name in names]
    PersonFactory(name="黄")  # each part of "黄,伟" is someone else
    PersonFactory(name="伟")
    for person, name in zip(people, names, strict=True):
        assert list(Person.objects.filter(name__any_of=[name]).values_list("pk", flat=True)) == [person.pk]
    found = set(Person.objects.filter(name__any_of=names).values_list("pk", flat=True))
    assert found == {p.pk for p in people}


def test_an_empty_list_finds_no_one():
    PersonFactory()
    assert not Person.objects.filter(id_number__any_of=[]).exists()
    assert Person.objects.exclude(id_number__any_of=[]).count() == Person.objects.count()


def test_the_list_is_one_parameter_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere any_of is IN (...)")
    numbers = [f"35058319900101{i:04d}" for i in range(10_000)]
    with CaptureQueriesContext(connection) as queries:
        list(Person.objects.filter(id_number__any_of=numbers).values_list("pk", flat=True))
    assert len(queries) == 1
    assert "= ANY(" in queries[0]["sql"] and " IN (" not in queries[0]["sql"]


def test_any_of_finds_by_ids_and_by_foreign_keys_as_in_does():
    """The import's households and people are asked by id: integer ids are sent as one bigint
    array, a foreign key to them likewise, and a key to a division's code as text."""
    from core.models import HouseholdMember
    from tests.factories import HouseholdFactory

    households = HouseholdFactory.create_batch(3)
    ids = [h.pk for h in households[:2]] + [10**12]
    members = HouseholdMember.objects.filter(household_id__any_of=ids).values_list("pk", flat=True)
    assert set(members) == set(HouseholdMember.objects.filter(household_id__in=ids).values_list("pk", flat=True))
    assert set(members) and set(members) == set(
        HouseholdMember.objects.filter(household__any_of=ids).values_list("pk", flat=True)
    )
    people = [m.person_id for m in HouseholdMember.objects.filter(household=households[2])]
    assert set(Person.objects.filter(pk__any_of=people).values_list("pk", flat=True)) == set(people)
    township = households[0].township_id
    assert (
        Person.objects.filter(township__any_of=[township]).count() == Person.objects.filter(township=township).count()
    )
    if connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as queries:
            list(HouseholdMember.objects.filter(household_id__any_of=ids))
        assert "::bigint[]" in queries[0]["sql"]


def test_any_of_takes_model_instances_for_their_keys_and_skips_none_as_in_does():
    from core.models import Household
    from tests.factories import HouseholdFactory

    household = HouseholdFactory()
    township = household.township
    assert list(Household.objects.filter(township__any_of=[township, None]).values_list("pk", flat=True)) == [
        household.pk
    ]
    assert list(Household.objects.filter(pk__any_of=[household, None])) == [household]
    assert not Household.objects.filter(pk__any_of=[None]).exists()
