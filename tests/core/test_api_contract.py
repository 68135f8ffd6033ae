"""The people and household API answers what its schema says (issue 10, item 15): a person
outside any household has `household: null`, and the schema declares it nullable."""

import pytest
from rest_framework.test import APIClient

from tests.api_schema import check
from tests.factories import PersonFactory

PEOPLE, HOUSEHOLDS = "/api/v1/people/", "/api/v1/households/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_household_is_declared_nullable(schema):
    assert schema["components"]["schemas"]["Person"]["properties"]["household"].get("nullable") is True


@pytest.mark.parametrize("role", ["staff", "leader", "api_client_user"])
def test_every_people_and_household_response_matches_its_schema(
    schema, request, role, honglai, honglai_household, officer
):
    user = request.getfixturevalue(role)
    alone = PersonFactory(township=honglai)  # in no household: household is null
    client = api(user)
    listing = client.get(PEOPLE).json()
    assert {p["household"] for p in listing["results"]} == {None, honglai_household.pk}
    check(schema, PEOPLE, "get", "200", listing)
    check(schema, f"{PEOPLE}{{id}}/", "get", "200", client.get(f"{PEOPLE}{alone.pk}/").json())
    check(schema, HOUSEHOLDS, "get", "200", client.get(HOUSEHOLDS).json())
    check(schema, f"{HOUSEHOLDS}{{id}}/", "get", "200", client.get(f"{HOUSEHOLDS}{honglai_household.pk}/").json())


def test_a_created_person_matches_the_schema(schema, officer):
    from tests.factories import make_id_number

    created = api(officer).post(PEOPLE, {"name": "林秀英", "id_number": make_id_number(), "township": "350583113"})
    assert created.status_code == 201 and created.json()["household"] is None
    check(schema, PEOPLE, "post", "201", created.json())
