"""The Chinese pages: the registry with its filters and export, a child's file, recognitions,
stations coverage, adoptions, allowances and settings; another township's file answers 404."""

import io

import openpyxl

from childwelfare.models import Station
from childwelfare.services.stations import station_save
from childwelfare.services.visits import visit_interval_set
from core.models import AccessLog, Division
from tests.childwelfare.conftest import TODAY, distress, left_behind, orphan, years_ago
from tests.factories import SHUITOU


def test_the_registry_filters_by_category_township_age_band_and_overdue_visit(open_file, staff, client_for):
    young = open_file(4, categories=[distress(years_ago(1))], name="陈小一")
    teen = open_file(13, categories=[left_behind(years_ago(1))], name="陈小二")
    other = open_file(13, categories=[distress(years_ago(1))], township=SHUITOU, name="林小三")
    client = client_for(staff)

    def names(**params):
        response = client.get("/childwelfare/children/", params)
        assert response.status_code == 200
        return {row["pk"] for row in response.context["rows"]}

    assert names() == {young.pk, teen.pk, other.pk}
    assert names(category="left_behind") == {teen.pk}
    assert names(township=SHUITOU) == {other.pk}
    assert names(age_band="3-5") == {young.pk}
    assert names(age_band="12-15", category="distress") == {other.pk}
    # Visits: the files were opened 30 days ago with no visit; a 7-day interval makes them overdue.
    visit_interval_set(user=staff, code="left_behind", days=7)
    assert names(overdue="on") == {teen.pk}


def test_a_township_officer_sees_only_their_township_and_another_file_is_404(open_file, officer, client_for):
    mine = open_file(8, name="陈本镇")
    theirs = open_file(8, township=SHUITOU, name="林外镇")
    client = client_for(officer)
    rows = client.get("/childwelfare/children/").context["rows"]
    assert [r["pk"] for r in rows] == [mine.pk]
    assert client.get(f"/childwelfare/children/{theirs.pk}/").status_code == 404
    assert client.get(f"/childwelfare/children/{mine.pk}/").status_code == 200


def test_a_childs_file_shows_the_timeline_and_the_18th_birthday_and_logs_the_full_view(open_file, officer, client_for):
    child = open_file(9, categories=[orphan(years_ago(2))])
    response = client_for(officer).get(f"/childwelfare/children/{child.pk}/")
    html = response.content.decode()
    assert child.person.id_number in html and "孤儿" in html
    assert child.person.birth_date.replace(year=child.person.birth_date.year + 18).isoformat() in html
    assert AccessLog.objects.filter(user=officer, object_type="childwelfare_child", object_ids=[child.pk]).exists()


def test_a_leader_sees_the_file_masked(open_file, leader, client_for):
    child = open_file(9, categories=[distress(years_ago(2))])
    html = client_for(leader).get(f"/childwelfare/children/{child.pk}/").content.decode()
    assert child.person.id_number not in html and child.person.name not in html


def test_a_visit_recorded_on_the_page_clears_the_overdue_flag(open_file, assistant, staff, client_for):
    child = open_file(9, categories=[distress(years_ago(2))], user=assistant)
    visit_interval_set(user=staff, code="distress", days=7)
    client = client_for(assistant)
    assert "overdue-alert" in client.get(f"/childwelfare/children/{child.pk}/").content.decode()
    response = client.post(
        f"/childwelfare/children/{child.pk}/visits/new/",
        {"visited_on": TODAY.isoformat(), "visitor_name": "陈协理", "findings": "在校情况良好", "follow_up": ""},
    )
    assert response.status_code == 302
    assert "overdue-alert" not in client.get(f"/childwelfare/children/{child.pk}/").content.decode()


def test_the_registry_export_is_an_xlsx_and_is_logged(open_file, staff, client_for):
    open_file(9, categories=[distress(years_ago(2))], name="=HYPERLINK(1)")
    response = client_for(staff).get("/childwelfare/children/export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "姓名" and rows[1][0] == "=HYPERLINK(1)" and sheet["A2"].data_type == "s"
    assert AccessLog.objects.filter(user=staff, action="export", object_type="childwelfare_child").exists()


def test_the_coverage_page_lists_every_plan_township_with_its_status(staff, client_for):
    honglai = Division.objects.get(code="350583113")
    station_save(user=staff, township=honglai, kind="station", name="洪濑镇未成年人保护工作站", opened_on=years_ago(2))
    response = client_for(staff).get("/childwelfare/stations/", {"on": TODAY.isoformat()})
    rows = response.context["rows"]
    assert len(rows) == 26 and [r["township"].code for r in rows if r["covered"]] == ["350583113"]
    assert response.context["share"] == round(100 / 26, 2)
    export = client_for(staff).get("/childwelfare/stations/export/")
    assert list(openpyxl.load_workbook(io.BytesIO(export.content)).active.values)[1][2] == "洪濑镇未成年人保护工作站"


def test_the_station_form_saves_through_the_service(officer, client_for):
    response = client_for(officer).post(
        "/childwelfare/stations/new/",
        {"township": "350583113", "kind": "designated_officer", "name": "黄专干", "opened_on": "2023-02-01"},
    )
    assert response.status_code == 302
    assert Station.objects.get().status == Station.Status.OPERATING


def test_the_adoption_form_names_each_failed_rule(staff, client_for):
    from tests.childwelfare.conftest import person_born

    adopter = person_born(years_ago(25), name="王年轻")
    child = person_born(years_ago(9), male=False, name="王小妹")
    response = client_for(staff).post(
        "/childwelfare/adoptions/new/",
        {"adopter": adopter.id_number, "child": child.id_number, "child_consent": "unknown", "existing_children": "0",
         "registered_on": TODAY.isoformat()},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    for rule in ("adopter_age", "age_gap", "child_consent"):
        assert rule in html


def test_every_page_of_the_app_renders_for_staff_and_leader(open_file, staff, leader, client_for, allowance_standards):
    child = open_file(9, categories=[orphan(years_ago(2))])
    for user in (staff, leader):
        client = client_for(user)
        for url in ("/childwelfare/", "/childwelfare/recognitions/", "/childwelfare/stations/", "/childwelfare/adoptions/",
                    "/childwelfare/allowances/", "/childwelfare/workers/", "/childwelfare/settings/", f"/childwelfare/children/{child.pk}/"):  # fmt: skip
            assert client.get(url).status_code == 200, url
    assert client_for(staff).get("/childwelfare/children/new/").status_code == 200
    assert client_for(leader).get("/childwelfare/children/new/").status_code == 403


def test_the_recognition_queue_exports_and_logs(open_file, assistant, staff, client_for):
    from tests.childwelfare.test_recognitions import apply_for

    apply_for(open_file(8, user=assistant), assistant)
    client = client_for(staff)
    assert client.get("/childwelfare/recognitions/").context["rows"][0]["r"].state == "applied"
    response = client.get("/childwelfare/recognitions/export/?state=open")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][0] == "儿童" and len(rows) == 2
    assert AccessLog.objects.filter(user=staff, action="export", object_type="childwelfare_recognition").exists()
