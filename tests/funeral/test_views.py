"""Pages: lists scoped by jurisdiction, another township's record answers 404, personal data
masked for leaders, views of full IDs and exports logged."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from core.models import AccessLog, Person
from funeral.models import DeathRecord, FeeItem, TombCase
from funeral.services.placements import PlacementInput
from funeral.services.tombs import tomb_case_create
from funeral.services.waivers import waiver_grant
from tests.factories import HONGLAI, SHUITOU, make_id_number

D = datetime.date


@pytest.fixture
def two_records(record_for, honglai_person, shuitou_person, county_hall):
    honglai = record_for(
        honglai_person, died=D(2024, 3, 1), contact_name="陈建华", contact_phone="13905951234",
        placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall),
    )  # fmt: skip
    shuitou = record_for(shuitou_person, died=D(2024, 4, 1), cremated=D(2024, 4, 2))
    return honglai, shuitou


def test_the_officer_sees_only_their_townships_records(officer, client_for, two_records):
    html = client_for(officer).get("/funeral/records/").content.decode()
    assert "陈志明" in html and "林建国" not in html


def test_another_townships_record_answers_404_on_every_page(officer, client_for, two_records):
    _honglai, shuitou = two_records
    client = client_for(officer)
    assert client.get(f"/funeral/records/{shuitou.pk}/").status_code == 404
    assert client.get(f"/funeral/records/{_honglai.pk}/").status_code == 200


def test_the_list_filters_by_month_township_form_and_waiver(staff, client_for, two_records, poor, honglai_person):
    honglai, _shuitou = two_records
    poor.add(honglai_person, D(2020, 1, 1))
    waiver_grant(user=staff, record=honglai, items=[FeeItem.CREMATION])
    client = client_for(staff)

    def names(query):
        return [r["name"] for r in client.get(f"/funeral/records/?{query}").context["rows"]]

    assert names("") == ["林建国", "陈志明"]
    assert names("month=2024-03") == ["陈志明"]
    assert names(f"township={SHUITOU}") == ["林建国"]
    assert names("form=hall_niche") == ["陈志明"]
    assert names("waiver=yes") == ["陈志明"]
    assert names("waiver=no") == ["林建国"]
    assert names("year=2024&eco=yes") == ["陈志明"]
    assert names(f"township={HONGLAI}&month=2024-04") == []


def test_a_leader_sees_masked_ids_and_contacts_and_nothing_is_logged(leader, client_for, two_records):
    honglai, _ = two_records
    response = client_for(leader).get(f"/funeral/records/{honglai.pk}/")
    html = response.content.decode()
    assert honglai.person.id_number not in html
    assert response.context["id_number"] == honglai.person.id_number[:6] + "********" + honglai.person.id_number[-4:]
    assert "13905951234" not in html and "陈建华" not in html
    assert not AccessLog.objects.filter(action=AccessLog.Action.VIEW_FULL_ID).exists()


def test_staff_see_the_full_id_and_the_view_is_logged(staff, client_for, two_records):
    honglai, _ = two_records
    html = client_for(staff).get(f"/funeral/records/{honglai.pk}/").content.decode()
    assert honglai.person.id_number in html
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_FULL_ID)
    assert log.object_ids == [honglai.person.pk]


def test_the_export_is_masked_for_the_role_scoped_and_logged(officer, client_for, two_records):
    response = client_for(officer).get("/funeral/records/export/")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 2 and rows[1][0] == "陈志明"
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.object_type == "funeral_record" and len(log.object_ids) == 1


def test_leaders_cannot_export_personal_data(leader, client_for, two_records):
    assert client_for(leader).get("/funeral/records/export/").status_code == 403


def test_a_record_is_created_through_the_form(staff, client_for, funeral_home, honglai, county_hall):
    number = make_id_number(D(1941, 1, 1))
    response = client_for(staff).post(
        "/funeral/records/new/",
        {
            "id_number": number, "name": "黄建国", "township": HONGLAI, "date_of_death": "2024-05-01",
            "cremation_date": "2024-05-03", "form": "hall_niche", "facility": county_hall.pk, "placed_on": "2024-05-06",
            "waiver_items": [FeeItem.CREMATION],
        },
    )  # fmt: skip
    record = DeathRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funeral/records/{record.pk}/"
    assert Person.objects.get(id_number=number).date_of_death == D(2024, 5, 1)
    assert record.placement.facility == county_hall


def test_the_form_shows_the_services_errors_on_the_fields(staff, client_for, funeral_home, honglai_person):
    response = client_for(staff).post(
        "/funeral/records/new/",
        {"id_number": honglai_person.id_number, "name": "别人", "date_of_death": "2024-05-03", "cremation_date": "2024-05-01",
         "waiver": "on", "waiver_items": [FeeItem.URN]},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "cremation_date", "urn_price"} <= set(errors)
    assert not DeathRecord.objects.exists()


def test_an_officer_cannot_register_deaths_but_can_open_the_list(officer, client_for, funeral_home):
    client = client_for(officer)
    assert client.get("/funeral/records/new/").status_code == 403
    assert client.get("/funeral/records/").status_code == 200


def test_editing_a_record_adds_its_placement_and_waiver(
    staff, client_for, record_for, honglai_person, poor, county_hall
):
    poor.add(honglai_person, D(2020, 1, 1))
    record = record_for(honglai_person)
    response = client_for(staff).post(
        f"/funeral/records/{record.pk}/edit/",
        {"date_of_death": "2024-03-01", "cremation_date": "2024-03-03", "form": "wall_niche", "facility": county_hall.pk,
         "placed_on": "2024-03-09", "waiver": "on", "waiver_items": [FeeItem.CREMATION, FeeItem.URN], "urn_price": "500"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.placement.form == "wall_niche"
    assert record.waiver.total == Decimal("600.00")


def test_the_statistics_pages_render_for_a_leader(leader, client_for, two_records):
    client = client_for(leader)
    eco = client.get("/funeral/placements/?year=2024")
    assert eco.status_code == 200 and eco.context["data"]["total"] == 1
    assert 'id="eco-chart-data"' in eco.content.decode()
    assert client.get("/funeral/waivers/?year=2024").status_code == 200
    facilities = client.get("/funeral/facilities/")
    assert "南安市公益性骨灰楼堂" in facilities.content.decode() and "11 / 100" in facilities.content.decode()


def test_waiver_totals_export(staff, client_for, two_records, poor, honglai_person):
    poor.add(honglai_person, D(2020, 1, 1))
    waiver_grant(user=staff, record=two_records[0], items=[FeeItem.CREMATION])
    response = client_for(staff).get("/funeral/waivers/?year=2024&format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "洪濑镇" and rows[1][3] == 400 and rows[-1][-1] == 400


def test_an_officer_manages_tomb_cases_of_their_own_township_only(officer, staff, client_for, honglai, shuitou):
    client = client_for(officer)
    ok = client.post(
        "/funeral/tombs/new/",
        {"township": HONGLAI, "location": "后山", "kind": "luxury", "found_on": "2024-05-01", "action": "pending"},
    )
    assert ok.status_code == 302
    refused = client.post(
        "/funeral/tombs/new/",
        {"township": SHUITOU, "location": "后山", "kind": "luxury", "found_on": "2024-05-01", "action": "pending"},
    )
    assert refused.status_code == 200 and TombCase.objects.count() == 1
    other = tomb_case_create(user=staff, township=shuitou, location="溪边", kind="scattered", found_on=D(2024, 1, 1))
    assert client.get(f"/funeral/tombs/{other.pk}/edit/").status_code == 404
    case = TombCase.objects.get(township=honglai)
    closed = client.post(
        f"/funeral/tombs/{case.pk}/edit/",
        {"township": HONGLAI, "location": "后山", "kind": "luxury", "found_on": "2024-05-01", "action": "demolished",
         "closed_on": "2024-06-01"},
    )  # fmt: skip
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.is_closed and case.action == "demolished"
    html = client.get("/funeral/tombs/").content.decode()
    assert "后山" in html and "溪边" not in html


def test_a_closed_case_needs_an_action(officer, client_for):
    response = client_for(officer).post(
        "/funeral/tombs/new/",
        {
            "township": HONGLAI,
            "location": "后山",
            "kind": "living",
            "found_on": "2024-05-01",
            "action": "pending",
            "closed_on": "2024-06-01",
        },
    )
    assert "办结的案件请选择处置措施" in response.content.decode()


def test_the_bureau_sets_a_new_price_and_eligible_categories(staff, client_for, leader):
    client = client_for(staff)
    response = client.post(
        "/funeral/settings/prices/", {"item": "urn", "price": "300", "effective_from": "2025-01-01", "note": "新标准"}
    )
    assert response.status_code == 302
    response = client.post("/funeral/settings/categories/", {"code": "severe_disability"})
    assert response.status_code == 302
    html = client.get("/funeral/settings/").content.decode()
    assert "300.00" in html and "重度残疾人" in html
    assert client_for(leader).post("/funeral/settings/prices/", {"item": "urn", "price": "1"}).status_code == 403


def test_the_nav_shows_funeral_to_roles_that_may_see_it(staff, assistant, client_for):
    assert "死亡火化记录" in client_for(staff).get("/").content.decode()
    html = client_for(assistant).get("/").content.decode()
    assert "违建墓地整治" in html and "死亡火化记录" not in html


def test_the_english_catalogue_translates_the_pages(staff, client_for, two_records):
    client = client_for(staff)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/funeral/records/").content.decode()
    assert "Death and cremation records" in html


def test_lists_mask_ids_even_for_roles_with_the_full_view(officer, client_for, two_records):
    honglai, _ = two_records
    html = client_for(officer).get("/funeral/records/").content.decode()
    assert honglai.person.id_number not in html and honglai.person.id_number[-4:] in html
