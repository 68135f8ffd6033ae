"""The funeral API answers what its schema says (issue 10, item 15): a record without a waiver or
a placement has `waiver: null` / `placement: null`, and the schema declares them nullable."""

import datetime

import pytest
from rest_framework.test import APIClient

from funeral.services.placements import PlacementInput
from tests.api_schema import check

D = datetime.date
BASE = "/api/v1/funeral/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_waiver_and_placement_are_declared_nullable(schema):
    record = schema["components"]["schemas"]["DeathRecord"]["properties"]
    assert record["waiver"].get("nullable") is True
    assert record["placement"].get("nullable") is True


@pytest.mark.parametrize("role", ["staff", "leader", "api_client_user"])
def test_every_funeral_read_matches_its_schema(
    schema, request, role, poor, record_for, honglai_person, shuitou_person, county_hall, shuitou_cemetery
):
    with_all = record_for(
        honglai_person, placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall)
    )
    poor.add(honglai_person, D(2020, 1, 1))
    from funeral.services.waivers import waiver_grant

    staff = request.getfixturevalue("staff")
    waiver_grant(user=staff, record=with_all, items=["cremation"])
    bare = record_for(shuitou_person)  # no placement, no waiver
    record_for(None, township=shuitou_person.township, unknown_description="无名男性")
    client = api(request.getfixturevalue(role))
    records = client.get(f"{BASE}records/").json()
    assert {r["waiver"] is None for r in records["results"]} == {True, False}
    check(schema, f"{BASE}records/", "get", "200", records)
    check(schema, f"{BASE}records/{{id}}/", "get", "200", client.get(f"{BASE}records/{bare.pk}/").json())
    for name in ("facilities", "placements", "waivers", "rectifications"):
        check(schema, f"{BASE}{name}/", "get", "200", client.get(f"{BASE}{name}/").json())


def test_a_created_record_without_waiver_matches_the_schema(schema, staff, funeral_home):
    from tests.factories import HONGLAI, make_id_number

    created = api(staff).post(
        f"{BASE}records/",
        {"id_number": make_id_number(D(1939, 9, 9)), "name": "黄建国", "township": HONGLAI,
         "date_of_death": "2024-05-01"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    assert created.json()["waiver"] is None and created.json()["placement"] is None
    check(schema, f"{BASE}records/", "post", "201", created.json())


def test_the_fee_prices_are_readable_by_who_may_view_them(schema, staff, leader, assistant):
    """Issue 16, item 11: the permission existed, the endpoint did not."""
    response = api(leader).get(f"{BASE}fee-prices/")
    assert response.status_code == 200
    check(schema, f"{BASE}fee-prices/", "get", "200", response.json())
    items = {row["item"] for row in response.json()["results"]}
    assert "cremation" in items  # the defaults put back after every migrate (funeral.reference)
    assert api(assistant).get(f"{BASE}fee-prices/").status_code == 403
    assert api(staff).post(f"{BASE}fee-prices/", {}, format="json").status_code == 405
