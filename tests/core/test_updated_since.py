"""`?updated_since=`: a REST client keeping its own copy pulls twice and receives only what changed
in between, in a stable order, and every list whose records carry `updated_at` says so in the schema."""

import datetime

import pytest
from django.utils import timezone

from core.models import Household, Person
from core.roles import Role
from core.services.people import household_member_add
from tests.factories import HouseholdFactory, PersonFactory


def _pull(client, url, since):
    response = client.get(url, {"updated_since": since.isoformat(), "page_size": 200})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_second_pull_receives_only_the_people_and_households_changed_since_the_first(make_user, client_for, honglai):
    staff = make_user(Role.STAFF)
    client = client_for(staff)
    households = [HouseholdFactory(head=PersonFactory(township=honglai)) for _ in range(3)]
    first = _pull(client, "/api/v1/people/", timezone.now() - datetime.timedelta(days=1))
    assert {row["id"] for row in first} == {h.head_id for h in households}
    # Oldest change first, then by id: a client pages through and keeps the last updated_at it saw.
    assert [(row["updated_at"], row["id"]) for row in first] == sorted((row["updated_at"], row["id"]) for row in first)
    mark = max(datetime.datetime.fromisoformat(row["updated_at"]) for row in first)

    changed = Person.objects.get(pk=households[1].head_id)
    changed.address = "洪濑镇新街 8 号"
    changed.save()
    joined = PersonFactory(township=honglai)
    household_member_add(user=staff, household=households[2], person=joined, relation=Household.Relation.CHILD)

    assert {row["id"] for row in _pull(client, "/api/v1/people/", mark)} == {changed.pk, joined.pk}
    # The household whose members changed is itself a change: its record shows the members.
    assert [row["id"] for row in _pull(client, "/api/v1/households/", mark)] == [households[2].pk]


def test_a_pull_stays_inside_the_jurisdiction(make_user, client_for, honglai, shuitou):
    mine, theirs = PersonFactory(township=honglai), PersonFactory(township=shuitou)
    officer = make_user(Role.TOWNSHIP_OFFICER, honglai.code)
    rows = _pull(client_for(officer), "/api/v1/people/", timezone.now() - datetime.timedelta(days=1))
    assert [row["id"] for row in rows] == [mine.pk]
    assert theirs.pk not in {row["id"] for row in rows}


@pytest.mark.parametrize(
    "value",
    ["2026-11-28T10:00:00+08:00", "2026-11-28T10:00:00 08:00", "2026-11-28T02:00:00Z", "2026-11-28T10:00:00"],
)
def test_the_moment_is_read_with_its_offset_an_unencoded_plus_or_in_the_portals_time_zone(
    staff, client_for, honglai, value
):
    """All four name 10:00 in Nan'an: a person changed at 10:00:01 comes back, one at 09:59 does not."""
    before, after = PersonFactory(township=honglai), PersonFactory(township=honglai)
    ten = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    Person.objects.filter(pk=before.pk).update(updated_at=ten - datetime.timedelta(minutes=1))
    Person.objects.filter(pk=after.pk).update(updated_at=ten + datetime.timedelta(seconds=1))
    response = client_for(staff).get("/api/v1/people/", {"updated_since": value})
    assert [row["id"] for row in response.json()["results"]] == [after.pk]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", "", "9" * 200])
def test_a_value_that_is_not_a_moment_answers_400_naming_the_parameter(staff, client_for, value):
    response = client_for(staff).get("/api/v1/people/", {"updated_since": value})
    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_every_list_whose_records_carry_updated_at_documents_the_parameter_and_returns_the_field(schema):
    """The parameter is offered where the records say when they changed, and only there."""
    offered, missing_field = [], []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if "updated_since" not in names:
            continue
        offered.append(path)
        body = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in body:  # a page: {"count", "results": [...]}
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]["results"]
        item = body["items"]["$ref"].rsplit("/", 1)[1]
        if "updated_at" not in schema["components"]["schemas"][item]["properties"]:
            missing_field.append(path)
    assert "/api/v1/people/" in offered and "/api/v1/assistance/cases/" in offered
    assert len(offered) >= 12, offered
    assert missing_field == []
