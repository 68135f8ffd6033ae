"""The REST API: jurisdiction-scoped, masked for roles without full IDs, writes through the services."""

import datetime

import pytest
from rest_framework.test import APIClient

from core.models import Person
from funeral.api.records import DeathRecordSerializer
from funeral.models import DeathRecord, Waiver
from funeral.services.placements import PlacementInput
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.factories import HONGLAI, make_id_number

D = datetime.date


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def records(record_for, honglai_person, shuitou_person, county_hall):
    return (
        record_for(
            honglai_person, placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall)
        ),
        record_for(shuitou_person),
    )


def test_the_officer_lists_their_township_and_another_townships_record_is_404(officer, records):
    honglai, shuitou = records
    client = api(officer)
    data = client.get("/api/v1/funeral/records/").json()
    assert [r["id"] for r in data["results"]] == [honglai.pk]
    assert client.get(f"/api/v1/funeral/records/{shuitou.pk}/").status_code == 404
    assert client.get(f"/api/v1/funeral/placements/{honglai.placement.pk}/").status_code == 200
    assert client.get("/api/v1/funeral/placements/").json()["count"] == 1


def test_api_clients_read_masked_data(api_client_user, records):
    honglai, _ = records
    data = api(api_client_user).get(f"/api/v1/funeral/records/{honglai.pk}/").json()
    assert data["id_number"] != honglai.person.id_number and "*" in data["id_number"]
    assert data["placement"]["form"] == "hall_niche" and data["placement"]["is_eco"] is True
    assert api(api_client_user).post("/api/v1/funeral/records/", {}, format="json").status_code == 403


def test_a_record_posted_to_the_api_records_the_death_in_core(staff, funeral_home, county_hall, honglai):
    number = make_id_number(D(1939, 9, 9))
    response = api(staff).post(
        "/api/v1/funeral/records/",
        {"id_number": number, "name": "黄建国", "township": HONGLAI, "date_of_death": "2024-05-01",
         "cremation_date": "2024-05-02",
         "placement": {"form": "hall_niche", "facility": county_hall.pk, "placed_on": "2024-05-05"}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["id_number"] == number  # staff see the full number
    assert Person.objects.get(id_number=number).date_of_death == D(2024, 5, 1)


def test_the_api_answers_the_services_errors_by_field(staff, funeral_home, honglai_person):
    response = api(staff).post(
        "/api/v1/funeral/records/",
        {"id_number": honglai_person.id_number, "date_of_death": "2024-05-03", "cremation_date": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "cremation_date" in response.json()
    assert not DeathRecord.objects.exists()


def test_a_waiver_through_the_api_checks_eligibility(staff, poor, records, honglai_person, shuitou_person):
    honglai, shuitou = records
    poor.add(honglai_person, D(2020, 1, 1))
    ok = api(staff).post(
        "/api/v1/funeral/waivers/",
        {"record": honglai.pk, "items": ["cremation", "urn"], "urn_price": "300"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["total"] == "600.00"
    refused = api(staff).post("/api/v1/funeral/waivers/", {"record": shuitou.pk, "items": ["cremation"]}, format="json")
    assert refused.status_code == 400 and "waiver" in refused.json()


def test_officers_cannot_grant_waivers_through_the_api(officer, records):
    honglai, _shuitou = records
    response = api(officer).post(
        "/api/v1/funeral/waivers/", {"record": honglai.pk, "items": ["cremation"]}, format="json"
    )
    assert response.status_code == 403


def test_another_townships_record_is_not_found_through_a_related_field(make_user, records, poor, shuitou_person):
    """An API client bound to a township (read and waiver rights) cannot name another township's record."""
    from django.contrib.auth.models import Permission

    client_user = make_user("api_client", "350583113")
    client_user.user_permissions.add(Permission.objects.get(codename="add_waiver"))
    _honglai, shuitou = records
    poor.add(shuitou_person, D(2020, 1, 1))
    response = api(client_user).post(
        "/api/v1/funeral/waivers/", {"record": shuitou.pk, "items": ["cremation"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["record"]  # answered like a record that does not exist
    assert not Waiver.objects.exists()


def test_officers_manage_rectification_cases_through_the_api(officer, honglai):
    client = api(officer)
    created = client.post(
        "/api/v1/funeral/rectifications/",
        {"township": HONGLAI, "location": "后山", "kind": "house_style", "found_on": "2024-05-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    refused = client.post(
        "/api/v1/funeral/rectifications/",
        {"township": "350583119", "location": "后山", "kind": "house_style", "found_on": "2024-05-01"},
        format="json",
    )
    assert refused.status_code == 400 and "township" in refused.json()


def test_facilities_are_listed_with_capacities(leader, county_hall, shuitou_cemetery, officer):
    data = api(leader).get("/api/v1/funeral/facilities/").json()
    assert {f["name"] for f in data["results"]} == {"南安市公益性骨灰楼堂", "水头镇公益性公墓"}
    # A township officer sees the county-level facilities and their own township's.
    names = {f["name"] for f in api(officer).get("/api/v1/funeral/facilities/").json()["results"]}
    assert names == {"南安市公益性骨灰楼堂"}


def test_the_funeral_endpoints_are_in_the_openapi_schema(staff):
    response = api(staff).get("/api/schema/?format=json")
    paths = response.json()["paths"]
    for name in ("facilities", "records", "placements", "waivers", "rectifications"):
        assert f"/api/v1/funeral/{name}/" in paths


def test_the_records_rows_are_the_serializers_fields_for_every_reader(make_user, staff, poor, records, honglai_person,
                                                                        record_for, honglai):  # fmt: skip
    """The records list builds its rows straight from the records (DeathRecordRowsSerializer): for every
    reader, each is exactly DeathRecordSerializer's fields, with a placement, a waiver and its lines, an
    unknown identity, a family contact and a record with neither placement nor waiver."""
    honglai_record, _shuitou = records
    poor.add(honglai_person, D(2020, 1, 1))
    granted = api(staff).post("/api/v1/funeral/waivers/",
                              {"record": honglai_record.pk, "items": ["cremation", "urn"], "urn_price": "300"}, format="json")  # fmt: skip
    assert granted.status_code == 201, granted.json()
    DeathRecord.objects.filter(pk=honglai_record.pk).update(contact_name="陈秀英", contact_phone="13905951234",
                                                             certificate_no="HZ-2024-001")  # fmt: skip
    record_for(None, township=honglai, unknown_description="男性，约60岁")
    shown = DeathRecord.objects.select_related("person", "placement", "waiver").prefetch_related("waiver__lines")
    assert_rows_are_the_fields("/api/v1/funeral/records/", {"township": HONGLAI}, DeathRecordSerializer,
                               lambda ids: [shown.get(pk=pk) for pk in ids], readers(make_user, allowed_to="funeral.view_deathrecord"), expected=2)  # fmt: skip
