"""Masking, search, access logging, facility counters and waiver permission/concurrency rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AccessLog
from funeral import selectors
from funeral.models import FeeItem, Waiver
from funeral.services.facilities import facility_update
from funeral.services.records import death_record_register
from funeral.services.waivers import waiver_grant
from tests.factories import HONGLAI, make_id_number

D = datetime.date
ALL = list(FeeItem.values)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_leaders_see_the_deceased_name_masked_in_the_api(leader, record_for, honglai_person):
    record = record_for(honglai_person)
    data = api(leader).get(f"/api/v1/funeral/records/{record.pk}/").json()
    assert data["name"] == "陈*明"


def test_an_identity_unknown_description_is_not_masked(leader, record_for, honglai):
    record = record_for(None, township=honglai, unknown_description="男性约七十岁")
    data = api(leader).get(f"/api/v1/funeral/records/{record.pk}/").json()
    assert "男性约七十岁" in data["name"]


def test_leaders_see_the_masked_name_and_only_the_birth_year_on_the_pages(
    leader, staff, client_for, record_for, honglai_person
):
    record = record_for(honglai_person)
    birth = honglai_person.birth_date
    listing = client_for(leader).get(reverse("funeral:record_list")).content.decode()
    assert "陈*明" in listing and "陈志明" not in listing
    detail = client_for(leader).get(reverse("funeral:record_detail", args=[record.pk])).content.decode()
    assert "陈*明" in detail and "陈志明" not in detail
    assert f'<dd class="col-sm-8">{birth.year}</dd>' in detail  # the year only: the date is the masked digits
    assert f"{birth:%Y%m%d}" not in detail and f"{birth:%m}月{birth:%d}日".lstrip("0") not in detail
    full = client_for(staff).get(reverse("funeral:record_detail", args=[record.pk])).content.decode()
    assert "陈志明" in full


def test_masked_users_search_id_numbers_and_names_exactly(leader, staff, record_for, honglai_person):
    record_for(honglai_person)
    number = honglai_person.id_number
    assert not selectors.record_list(user=leader, q=number[:10]).exists()
    assert selectors.record_list(user=leader, q=number.lower()).exists()
    assert not selectors.record_list(user=leader, q="陈志").exists()
    assert selectors.record_list(user=leader, q="陈志明").exists()
    assert selectors.record_list(user=staff, q=number[:10]).exists()
    assert selectors.record_list(user=staff, q="陈志").exists()


def test_records_written_through_the_api_are_access_logged(staff, funeral_home, honglai):
    number = make_id_number(D(1939, 9, 9))
    client = api(staff)
    response = client.post(
        "/api/v1/funeral/records/",
        {"id_number": number, "name": "黄建国", "township": HONGLAI, "date_of_death": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    logs = AccessLog.objects.filter(action=AccessLog.Action.VIEW_FULL_ID, object_type="funeral_record")
    assert [log.object_ids for log in logs] == [[pk]]
    assert client.patch(f"/api/v1/funeral/records/{pk}/", {"certificate_no": "X1"}, format="json").status_code == 200
    assert logs.all().count() == 2  # a fresh query: the one above is cached


def test_editing_a_facility_keeps_the_counters_placements_maintain(staff, county_hall):
    facility_update(user=staff, facility=county_hall, name="新名称", niches_used=0)
    county_hall.refresh_from_db()
    assert county_hall.name == "新名称" and county_hall.niches_used == 10
    response = api(staff).patch(
        f"/api/v1/funeral/facilities/{county_hall.pk}/", {"niches_used": 99, "note": "x"}, format="json"
    )
    assert response.status_code == 200, response.json()
    county_hall.refresh_from_db()
    assert county_hall.niches_used == 10 and county_hall.note == "x"


def test_the_facility_form_disables_the_counters_on_edit_only(county_hall):
    from funeral.forms import FacilityForm

    assert FacilityForm(instance=county_hall).fields["niches_used"].disabled
    assert not FacilityForm().fields["niches_used"].disabled


def test_granting_a_waiver_needs_the_permission_in_the_service(officer, poor, record_for, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person)
    with pytest.raises(ValidationError) as exc:
        waiver_grant(user=officer, record=record, items=ALL, urn_price=Decimal("100"))
    assert exc.value.message_dict["waiver"] == ["您无权办理减免。"]
    assert not Waiver.objects.exists()


def test_registering_another_townships_person_does_not_disclose_they_exist(officer, funeral_home, shuitou_person):
    def attempt(number):
        with pytest.raises(ValidationError) as exc:
            death_record_register(user=officer, id_number=number, name="某某", date_of_death=D(2024, 3, 1))
        return exc.value.message_dict["id_number"]

    messages = attempt(shuitou_person.id_number)
    assert messages == ["您只能登记本乡镇（街道）人员的死亡。"]
    assert not any("林建国" in m or "水头" in m for m in messages)
