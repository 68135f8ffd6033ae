"""Deaths recorded many at a time: one people_died event for all of them, a fixed number of queries,
the same rules and history as one death at a time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.events import people_died, person_died
from core.models import Person
from core.services.people import people_record_death, person_record_death
from tests.factories import PersonFactory, make_id_number

D = datetime.date


@pytest.fixture
def heard():
    batches, singles = [], []

    def on_batch(sender, **kwargs):
        batches.append(kwargs)

    def on_single(sender, **kwargs):
        singles.append(kwargs)

    people_died.connect(on_batch, dispatch_uid="test.core.people_died")
    person_died.connect(on_single, dispatch_uid="test.core.person_died")
    yield batches, singles
    people_died.disconnect(dispatch_uid="test.core.people_died")
    person_died.disconnect(dispatch_uid="test.core.person_died")


def test_a_batch_of_deaths_is_one_people_died_event_and_one_person_died_each(heard, staff, honglai):
    people = [PersonFactory(township=honglai) for _ in range(3)]
    days = [D(2024, 3, 1), D(2024, 3, 2), D(2024, 3, 3)]
    people_record_death(user=staff, deaths=list(zip(people, days, strict=True)), source="funeral")
    batches, singles = heard
    assert len(batches) == 1
    assert [(p.pk, d) for p, d in batches[0]["deaths"]] == [(p.pk, d) for p, d in zip(people, days, strict=True)]
    assert (batches[0]["user"], batches[0]["source"]) == (staff, "funeral")
    assert [(s["person"].pk, s["date_of_death"]) for s in singles] == [
        (p.pk, d) for p, d in zip(people, days, strict=True)
    ]
    for person, day in zip(people, days, strict=True):
        person.refresh_from_db()
        assert person.date_of_death == day
        latest = person.history.first()
        assert (latest.history_type, latest.date_of_death, latest.history_user_id) == ("~", day, staff.pk)


def test_the_same_date_again_is_heard_by_nobody_and_a_corrected_date_is(heard, staff, honglai):
    person = PersonFactory(township=honglai)
    person_record_death(user=staff, person=person, date_of_death=D(2024, 3, 1), source="funeral")
    people_record_death(user=staff, deaths=[(person, D(2024, 3, 1))], source="funeral")
    people_record_death(user=staff, deaths=[(person, D(2024, 2, 28))], source="person_form")
    batches, _singles = heard
    assert [[d for _p, d in b["deaths"]] for b in batches] == [[D(2024, 3, 1)], [D(2024, 2, 28)]]


def test_a_death_before_the_birth_refuses_the_whole_batch(staff, honglai):
    fine = PersonFactory(township=honglai)
    young = PersonFactory(township=honglai, id_number=make_id_number(D(2024, 5, 1)))
    with pytest.raises(ValidationError) as exc:
        people_record_death(user=staff, deaths=[(fine, D(2024, 3, 1)), (young, D(2024, 3, 1))], source="funeral")
    assert exc.value.message_dict["date_of_death"] == ["死亡日期不能早于出生日期 2024-05-01。"]
    assert not Person.objects.filter(date_of_death__isnull=False).exists()


def test_an_officer_may_not_record_another_townships_deaths(officer, shuitou):
    other = PersonFactory(township=shuitou)
    with pytest.raises(ValidationError) as exc:
        people_record_death(user=officer, deaths=[(other, D(2024, 3, 1))], source="funeral")
    assert "person" in exc.value.message_dict


def test_recording_ten_deaths_or_fifty_costs_the_same_queries(staff, honglai):
    def cost(n):
        people = [PersonFactory(township=honglai) for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            people_record_death(user=staff, deaths=[(p, D(2024, 3, 1)) for p in people], source="funeral")
        return len(queries)

    assert cost(10) == cost(50)
