"""The API's small contract (issue 11), checked against the OpenAPI schema: scoping, masking,
the access log, and refusals that name the field or the rule."""

import datetime

from childwelfare.models import Adoption, Child
from childwelfare.services.stations import station_save
from core.models import AccessLog, Division
from tests.api_schema import check
from tests.childwelfare.conftest import TODAY, api, distress, left_behind, orphan, person_born, years_ago
from tests.factories import SHUITOU

CHILDREN = "/api/v1/childwelfare/children/"
STATIONS = "/api/v1/childwelfare/stations/"
ADOPTIONS = "/api/v1/childwelfare/adoptions/"
VISITS = "/api/v1/childwelfare/visits/"


def test_children_list_has_the_contract_fields_in_full_for_staff_and_logs_the_view(open_file, staff, schema):
    child = open_file(10, categories=[left_behind(years_ago(1)), distress(years_ago(1), "poverty")])
    response = api(staff).get(CHILDREN)
    assert response.status_code == 200
    check(schema, "/api/v1/childwelfare/children/", "get", "200", response.json())
    row = response.json()["results"][0]
    assert {"id", "person", "name", "id_number", "township", "categories", "care_setting"} <= set(row)
    assert (row["id"], row["person"], row["township"]) == (child.pk, child.person_id, child.township_id)
    assert row["name"] == child.person.name and row["id_number"] == child.person.id_number
    assert {(c["code"], c["start"], c["end"]) for c in row["categories"]} == {
        ("left_behind", years_ago(1).isoformat(), None),
        ("distress", years_ago(1).isoformat(), None),
    }
    assert AccessLog.objects.filter(user=staff, object_type="childwelfare_child", action="view_full_id").exists()


def test_a_leader_and_an_api_client_see_minors_masked_and_nothing_is_logged(open_file, leader, api_client_user, schema):
    child = open_file(10, categories=[distress(years_ago(1))])
    for user in (leader, api_client_user):
        row = api(user).get(f"{CHILDREN}{child.pk}/").json()
        check(schema, "/api/v1/childwelfare/children/{id}/", "get", "200", row)
        assert row["name"] != child.person.name and "*" in row["name"]
        assert row["id_number"] != child.person.id_number and "*" in row["id_number"]
    assert not AccessLog.objects.filter(object_type="childwelfare_child").exists()


def test_filters_by_township_and_category(open_file, staff):
    a = open_file(10, categories=[orphan(years_ago(1))], name="甲")
    open_file(10, categories=[distress(years_ago(1))], name="乙")
    c = open_file(10, categories=[distress(years_ago(1))], township=SHUITOU, name="丙")
    ids = [r["id"] for r in api(staff).get(CHILDREN, {"category": "orphan"}).json()["results"]]
    assert ids == [a.pk]
    ids = [r["id"] for r in api(staff).get(CHILDREN, {"township": SHUITOU}).json()["results"]]
    assert ids == [c.pk]


def test_another_townships_child_answers_404(open_file, shuitou_officer, officer):
    child = open_file(10)
    assert api(shuitou_officer).get(f"{CHILDREN}{child.pk}/").status_code == 404
    assert api(officer).get(f"{CHILDREN}{child.pk}/").status_code == 200
    assert api(shuitou_officer).get(CHILDREN).json()["count"] == 0
    body = {"child": child.pk, "visited_on": TODAY.isoformat(), "visitor_name": "林专干", "findings": "良好"}
    response = api(shuitou_officer).post(VISITS, body, format="json")
    assert response.status_code == 400 and "child" in response.json()


def test_posting_a_child_category_for_a_person_of_18_answers_400_naming_the_field(staff, schema):
    adult = person_born(years_ago(18, 3))
    body = {"person": adult.pk, "care_setting": "kinship",
            "categories": [{"code": "distress", "start": TODAY.isoformat(), "distress_reason": "poverty"}]}  # fmt: skip
    response = api(staff).post(CHILDREN, body, format="json")
    assert response.status_code == 400
    check(schema, "/api/v1/childwelfare/children/", "post", "400", response.json())
    assert "person" in response.json() and "categories" in response.json()
    assert not Child.objects.exists()


def test_posting_a_child_opens_the_file_and_a_category_can_be_added(officer, schema):
    person = person_born(years_ago(9))
    body = {"person": person.pk, "care_setting": "kinship", "guardian_name": "陈大伯",
            "categories": [{"code": "left_behind", "start": years_ago(1).isoformat(),
                            "father_situation": "working_away", "mother_situation": "working_away"}]}  # fmt: skip
    response = api(officer).post(CHILDREN, body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, "/api/v1/childwelfare/children/", "post", "201", response.json())
    child_id = response.json()["id"]
    response = api(officer).post(
        f"{CHILDREN}{child_id}/categories/", {"code": "distress", "start": TODAY.isoformat(), "distress_reason": "poverty"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    check(schema, "/api/v1/childwelfare/children/{id}/categories/", "post", "201", response.json())
    assert {c["code"] for c in response.json()["categories"]} == {"left_behind", "distress"}
    refused = api(officer).post(
        f"{CHILDREN}{child_id}/categories/", {"code": "orphan", "start": TODAY.isoformat()}, format="json"
    )
    assert refused.status_code == 400 and "code" in refused.json()


def test_stations_contract_and_post(staff, officer, schema):
    honglai = Division.objects.get(code="350583113")
    station_save(
        user=staff,
        township=honglai,
        kind="station",
        name="洪濑镇未成年人保护工作站",
        opened_on=datetime.date(2021, 5, 1),
    )
    response = api(officer).get(STATIONS)
    check(schema, "/api/v1/childwelfare/stations/", "get", "200", response.json())
    row = response.json()["results"][0]
    assert row == {
        "id": row["id"], "township": "350583113", "kind": "station", "name": "洪濑镇未成年人保护工作站",
        "opened_on": "2021-05-01", "closed_on": None, "status": "operating", "phone": "", "note": "",
        "updated_at": row["updated_at"],
    }  # fmt: skip
    response = api(officer).post(
        STATIONS,
        {"township": SHUITOU, "kind": "designated_officer", "name": "林专干", "opened_on": "2022-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "township" in response.json()  # not the officer's township
    response = api(staff).post(
        STATIONS,
        {"township": SHUITOU, "kind": "designated_officer", "name": "林专干", "opened_on": "2022-01-01"},
        format="json",
    )
    assert response.status_code == 201
    check(schema, "/api/v1/childwelfare/stations/", "post", "201", response.json())


def test_a_refused_adoption_answers_400_naming_the_rule_and_saves_nothing(staff, schema):
    adopter = person_born(years_ago(28), name="王年轻")
    child = person_born(years_ago(9), male=False, name="王小妹")
    body = {"adopters": [adopter.pk], "child": child.pk, "existing_children": 2, "registered_on": TODAY.isoformat()}
    response = api(staff).post(ADOPTIONS, body, format="json")
    assert response.status_code == 400
    check(schema, "/api/v1/childwelfare/adoptions/", "post", "400", response.json())
    assert {"adopter_age", "existing_children", "age_gap", "child_consent"} <= set(response.json())
    assert not Adoption.objects.exists()


def test_a_lawful_adoption_posts_and_reads_back(staff, leader, schema):
    couple = [person_born(years_ago(35), name="王建国").pk, person_born(years_ago(34), male=False, name="李美玲").pk]
    child = person_born(years_ago(9), name="王小宝")
    body = {"adopters": couple, "child": child.pk, "child_consent": True, "existing_children": 0,
            "registered_on": TODAY.isoformat()}  # fmt: skip
    response = api(staff).post(ADOPTIONS, body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, "/api/v1/childwelfare/adoptions/", "post", "201", response.json())
    assert response.json()["adopters"] == couple
    listing = api(leader).get(ADOPTIONS).json()
    check(schema, "/api/v1/childwelfare/adoptions/", "get", "200", listing)
    assert "*" in listing["results"][0]["child_name"]


def test_visits_post_and_list(open_file, assistant, schema):
    child = open_file(10, categories=[distress(years_ago(1))], user=assistant)
    body = {
        "child": child.pk,
        "visited_on": TODAY.isoformat(),
        "visitor_name": "陈协理",
        "findings": "生活正常，陈小明在校",
    }
    response = api(assistant).post(VISITS, body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, "/api/v1/childwelfare/visits/", "post", "201", response.json())
    listing = api(assistant).get(VISITS, {"child": child.pk}).json()
    check(schema, "/api/v1/childwelfare/visits/", "get", "200", listing)
    assert listing["count"] == 1
    child.refresh_from_db()
    assert child.last_visit_on == TODAY
    missing = api(assistant).post(
        VISITS, {"child": child.pk, "visited_on": TODAY.isoformat(), "visitor_name": "", "findings": ""}, format="json"
    )
    assert missing.status_code == 400 and {"visitor_name", "findings"} <= set(missing.json())


RECOGNITIONS = "/api/v1/childwelfare/recognitions/"


def test_the_recognition_workflow_through_the_api(open_file, assistant, officer, staff, leader, schema):
    child = open_file(8, user=assistant)
    body = {"child": child.pk, "kind": "orphan", "applied_on": TODAY.isoformat(), "applicant_name": "陈大伯",
            "applicant_relation": "伯父", "father_situation": "deceased", "mother_situation": "deceased"}  # fmt: skip
    response = api(assistant).post(RECOGNITIONS, body, format="json")
    assert response.status_code == 201, response.json()
    check(schema, "/api/v1/childwelfare/recognitions/", "post", "201", response.json())
    url = f"{RECOGNITIONS}{response.json()['id']}/transition/"
    # The bureau cannot confirm before the township verifies: 400 with the reason, nothing changes.
    early = api(staff).post(url, {"action": "confirm"}, format="json")
    assert early.status_code == 400 and early.json()["code"] == "illegal_transition"
    check(schema, "/api/v1/childwelfare/recognitions/{id}/transition/", "post", "400", early.json())
    assert api(assistant).post(url, {"action": "verify", "opinion": "属实"}, format="json").status_code == 403
    assert api(leader).post(url, {"action": "verify", "opinion": "属实"}, format="json").status_code == 403
    verified = api(officer).post(url, {"action": "verify", "opinion": "属实"}, format="json")
    assert verified.status_code == 200 and verified.json()["state"] == "verified"
    check(schema, "/api/v1/childwelfare/recognitions/{id}/transition/", "post", "200", verified.json())
    confirmed = api(staff).post(url, {"action": "confirm", "opinion": "同意"}, format="json")
    assert confirmed.json()["state"] == "confirmed"
    assert child.categories.get().code == "orphan"
    listing = api(leader).get(RECOGNITIONS).json()
    check(schema, "/api/v1/childwelfare/recognitions/", "get", "200", listing)
    assert "*" in listing["results"][0]["applicant_name"]


def test_patching_a_file_records_schooling_and_another_township_answers_404(
    open_file, officer, shuitou_officer, schema
):
    child = open_file(12)
    url = f"{CHILDREN}{child.pk}/"
    response = api(officer).patch(url, {"in_school": True, "school": "南安一中"}, format="json")
    assert response.status_code == 200, response.json()
    check(schema, "/api/v1/childwelfare/children/{id}/", "patch", "200", response.json())
    assert response.json()["in_school"] is True
    assert api(shuitou_officer).patch(url, {"in_school": False}, format="json").status_code == 404
    bad = api(officer).patch(url, {"guardian_phone": "12"}, format="json")
    assert bad.status_code == 400 and "guardian_phone" in bad.json()


def test_a_pull_since_a_moment_receives_the_files_whose_categories_ended_or_that_were_closed(staff, open_file):
    """updated_at moves with what the children API shows inside a file (its categories), so a
    REST client pulling with ?updated_since= sees an aging-out and a closed file."""
    from django.utils import timezone

    from childwelfare.services.aging import aging_out_run
    from childwelfare.services.children import child_close

    turning_16 = open_file(years=15, categories=[left_behind(years_ago(3))])
    closing = open_file(years=8, categories=[left_behind(years_ago(2))])
    unchanged = open_file(years=9, categories=[left_behind(years_ago(2))])
    mark = timezone.now()
    Child.objects.update(updated_at=mark - datetime.timedelta(seconds=1))  # as if all were pulled at `mark`

    aging_out_run(today=TODAY + datetime.timedelta(days=366))  # the 15-year-old is 16 by then
    child_close(user=staff, child=Child.objects.get(pk=closing.pk), on=timezone.localdate(), reason="other")

    rows = api(staff).get("/api/v1/childwelfare/children/", {"updated_since": mark.isoformat()}).json()["results"]
    assert {row["id"] for row in rows} == {turning_16.pk, closing.pk}
    assert unchanged.pk not in {row["id"] for row in rows}
