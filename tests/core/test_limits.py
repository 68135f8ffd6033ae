"""Plausible input for people and households (issue 10, items 11 and 12): dates in the bureau's
window with a message saying the range, refused by the service and by the database; text refused
past its field's length, never cut."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.identifiers import id_number_with_check_digit
from core.models import Household, Person
from core.services.people import household_create, household_update, person_create, person_update
from tests.factories import PersonFactory, make_id_number

D = datetime.date


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


@pytest.mark.parametrize("day", [D(1800, 1, 1), D(2999, 1, 1)])
def test_a_date_of_death_outside_the_window_is_refused_saying_the_range(officer, honglai, day):
    person = PersonFactory(township=honglai)
    errors = errors_of(lambda: person_update(user=officer, person=person, date_of_death=day))
    assert errors["date_of_death"] == [f"日期应在 1900-01-01 至 {timezone.localdate().isoformat()} 之间。"]
    person.refresh_from_db()
    assert person.date_of_death is None


def test_a_death_before_the_birth_is_refused_naming_the_birth_date(officer, honglai):
    person = PersonFactory(township=honglai, id_number=make_id_number(D(1950, 6, 1)))
    errors = errors_of(lambda: person_update(user=officer, person=person, date_of_death=D(1949, 1, 1)))
    assert "1950-06-01" in errors["date_of_death"][0]


def test_the_api_answers_400_for_a_death_in_the_year_2999(officer, client_for, honglai):
    person = PersonFactory(township=honglai)
    response = client_for(officer).patch(
        f"/api/v1/people/{person.pk}/", {"date_of_death": "2999-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "date_of_death" in response.json()


def test_an_id_number_born_before_1900_is_refused_on_the_id_not_as_a_duplicate(officer, honglai):
    number = id_number_with_check_digit("35058318900101001")
    errors = errors_of(lambda: person_create(user=officer, name="陈老", id_number=number, township=honglai))
    assert list(errors) == ["id_number"] and "18900101" in errors["id_number"][0]
    assert not Person.objects.exists()


@pytest.mark.parametrize("field", ["birth_date", "date_of_death"])
def test_the_database_refuses_a_person_date_outside_the_window(honglai, field):
    person = PersonFactory(township=honglai)
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Person.objects.filter(pk=person.pk).update(**{field: D(1800, 1, 1)})
    assert "_plausible" in str(exc.value)


def test_names_and_addresses_longer_than_their_fields_are_refused_not_cut(officer, honglai):
    errors = errors_of(
        lambda: person_create(user=officer, name="陈" * 51, id_number=make_id_number(), township=honglai)
    )
    assert "50" in errors["name"][0]
    head = PersonFactory(township=honglai)
    errors = errors_of(lambda: household_create(user=officer, head=head, address="路" * 100_000))
    assert "200" in str(errors["address"])
    household = household_create(user=officer, head=head, address="洪濑镇示例路1号")
    errors = errors_of(lambda: household_update(user=officer, household=household, address="路" * 201))
    assert "200" in str(errors["address"])
    assert Household.objects.get().address == "洪濑镇示例路1号"
