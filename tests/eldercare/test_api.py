"""The small contract other tools rely on (issue 12): institutions with today's beds, dated bed
counts (GET/POST), assessments computing total and level, facilities; every answer checked against
the OpenAPI schema; another township's record answers 404."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from eldercare.models import Assessment, BedCount
from tests.api_schema import check
from tests.factories import HONGLAI, SHUITOU

D = datetime.date
BASE = "/api/v1/eldercare/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two_homes(make_institution, shuitou):
    honglai_home = make_institution(beds=[(D(2023, 1, 1), 80, 40), (D(2025, 1, 1), 100, 70)])
    shuitou_home = make_institution(township=shuitou, beds=[(D(2024, 1, 1), 60, 30)])
    return honglai_home, shuitou_home


def test_the_institution_list_has_the_contract_fields_and_todays_beds(schema, staff, two_homes):
    body = api(staff).get(f"{BASE}institutions/").json()
    check(schema, f"{BASE}institutions/", "get", "200", body)
    row = next(r for r in body["results"] if r["id"] == two_homes[0].pk)
    for key in ("id", "name", "credit_code", "township", "ownership", "opened_on", "closed_on", "status"):
        assert key in row
    assert (row["total_beds"], row["nursing_beds"], row["township"]) == (100, 70, HONGLAI)


def test_bed_counts_are_posted_and_listed_by_date(schema, staff, two_homes):
    home = two_homes[0]
    url = f"{BASE}institutions/{home.pk}/bed-counts/"
    created = api(staff).post(url, {"as_of": "2025-06-30", "total_beds": 120, "nursing_beds": 90}, format="json")
    assert created.status_code == 201, created.json()
    check(schema, f"{BASE}institutions/{{id}}/bed-counts/", "post", "201", created.json())
    listed = api(staff).get(url)
    check(schema, f"{BASE}institutions/{{id}}/bed-counts/", "get", "200", listed.json())
    assert [c["as_of"] for c in listed.json()] == ["2023-01-01", "2025-01-01", "2025-06-30"]
    assert api(staff).get(f"{BASE}institutions/{home.pk}/").json()["nursing_beds"] == 90


def test_more_nursing_beds_than_beds_answers_400_naming_the_field(staff, two_homes):
    url = f"{BASE}institutions/{two_homes[0].pk}/bed-counts/"
    response = api(staff).post(url, {"as_of": "2025-06-30", "total_beds": 50, "nursing_beds": 51}, format="json")
    assert response.status_code == 400
    assert "nursing_beds" in str(response.json())
    assert BedCount.objects.filter(as_of=D(2025, 6, 30)).count() == 0


def test_another_townships_institution_answers_404_to_an_officer(officer, two_homes):
    _honglai_home, shuitou_home = two_homes
    client = api(officer)
    assert client.get(f"{BASE}institutions/{shuitou_home.pk}/").status_code == 404
    assert client.get(f"{BASE}institutions/{shuitou_home.pk}/bed-counts/").status_code == 404
    posted = client.post(
        f"{BASE}institutions/{shuitou_home.pk}/bed-counts/",
        {"as_of": "2025-06-30", "total_beds": 10, "nursing_beds": 5},
        format="json",
    )
    assert posted.status_code == 404
    assert [r["township"] for r in client.get(f"{BASE}institutions/").json()["results"]] == [HONGLAI]


def test_an_officer_records_beds_of_their_own_townships_institution(officer, two_homes):
    url = f"{BASE}institutions/{two_homes[0].pk}/bed-counts/"
    assert api(officer).post(url, {"as_of": "2025-02-01", "total_beds": 100, "nursing_beds": 75}).status_code == 201


def test_a_leader_cannot_record_beds(leader, two_homes):
    url = f"{BASE}institutions/{two_homes[0].pk}/bed-counts/"
    assert api(leader).get(url).status_code == 200
    assert api(leader).post(url, {"as_of": "2025-02-01", "total_beds": 1, "nursing_beds": 1}).status_code == 403


def test_an_assessment_posted_with_part_scores_answers_total_and_level(schema, staff, elder):
    payload = {
        "person": elder.pk, "assessed_on": "2025-03-01", "self_care": 20, "basic_motion": 10, "mental_state": 20,
        "perception_social": 10, "coma": False, "dementia_or_mental_disorder": True, "risk_events_30d": 0,
        "assessor": "王评估",
    }  # fmt: skip
    response = api(staff).post(f"{BASE}assessments/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    check(schema, f"{BASE}assessments/", "post", "201", body)
    assert (body["total"], body["level"]) == (60, 3)  # moderate, one level up for dementia


def test_an_assessment_posted_with_the_26_items(staff, elder):
    from eldercare.assessment import ITEMS

    items = {i.key: i.maximum for i in ITEMS}
    payload = {"person": elder.pk, "assessed_on": "2025-03-01", "items": items, "assessor": "王评估"}
    body = api(staff).post(f"{BASE}assessments/", payload, format="json").json()
    assert (body["total"], body["level"], body["self_care"]) == (90, 0, 32)


def test_a_part_score_out_of_range_answers_400_naming_the_field(staff, elder):
    payload = {
        "person": elder.pk, "assessed_on": "2025-03-01", "self_care": 40, "basic_motion": 10, "mental_state": 20,
        "perception_social": 10, "assessor": "王评估",
    }  # fmt: skip
    response = api(staff).post(f"{BASE}assessments/", payload, format="json")
    assert response.status_code == 400
    assert "self_care" in str(response.json())
    assert not Assessment.objects.exists()


def test_assessing_another_townships_person_does_not_disclose_they_exist(officer, shuitou_elder):
    payload = {
        "person": shuitou_elder.pk, "assessed_on": "2025-03-01", "self_care": 20, "basic_motion": 10,
        "mental_state": 20, "perception_social": 10, "assessor": "王评估",
    }  # fmt: skip
    response = api(officer).post(f"{BASE}assessments/", payload, format="json")
    assert response.status_code == 400
    assert "person" in response.json().get("fields", response.json()) or "person" in str(response.json())
    assert not Assessment.objects.exists()


def test_another_townships_assessment_answers_404_and_names_are_masked_for_a_leader(
    schema, staff, officer, leader, shuitou_elder
):
    from eldercare.services.assessments import assessment_record

    a = assessment_record(
        user=staff, person=shuitou_elder, assessed_on=D(2025, 1, 1), assessor="王评估", self_care=32,
        basic_motion=15, mental_state=28, perception_social=15,
    )  # fmt: skip
    assert api(officer).get(f"{BASE}assessments/{a.pk}/").status_code == 404
    body = api(leader).get(f"{BASE}assessments/").json()
    check(schema, f"{BASE}assessments/", "get", "200", body)
    assert body["results"][0]["name"] != "林阿公"
    assert "*" in body["results"][0]["id_number"]
    assert api(staff).get(f"{BASE}assessments/{a.pk}/").json()["name"] == "林阿公"


def test_facilities_are_listed_created_and_scoped(schema, staff, officer, make_facility, shuitou):
    other = make_facility(township=shuitou)
    body = api(staff).get(f"{BASE}facilities/").json()
    check(schema, f"{BASE}facilities/", "get", "200", body)
    assert api(officer).get(f"{BASE}facilities/{other.pk}/").status_code == 404
    created = api(officer).post(
        f"{BASE}facilities/",
        {
            "name": "洪濑镇长者食堂",
            "kind": "canteen",
            "township": HONGLAI,
            "opened_on": "2024-01-01",
            "status": "operating",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    check(schema, f"{BASE}facilities/", "post", "201", created.json())
    refused = api(officer).post(
        f"{BASE}facilities/",
        {"name": "水头镇助餐点", "kind": "meal_point", "township": SHUITOU, "opened_on": "2024-01-01"},
        format="json",
    )
    assert refused.status_code == 400 and "township" in str(refused.json())


def test_an_institution_with_a_bad_credit_code_answers_400_naming_it(schema, staff, honglai):
    response = api(staff).post(
        f"{BASE}institutions/",
        {"name": "新养老院", "credit_code": "52350583MJ00000003", "ownership": "private", "township": HONGLAI,
         "opened_on": "2020-01-01", "status": "operating"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "credit_code" in str(response.json())


def test_an_institution_is_created_through_the_api(schema, staff):
    from tests.eldercare.conftest import credit_code

    response = api(staff).post(
        f"{BASE}institutions/",
        {"name": "新养老院", "credit_code": credit_code(999), "ownership": "public_private", "township": HONGLAI,
         "opened_on": str(timezone.localdate()), "status": "operating", "star_grade": 3, "graded_on": "2024-01-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    check(schema, f"{BASE}institutions/", "post", "201", response.json())
    assert response.json()["total_beds"] == 0


def test_coverage_by_township_reads_as_the_page_shows_it(
    schema, staff, officer, make_facility, make_institution, shuitou
):
    make_facility(full_time_care=True, day_care=True, home_visits=True, name="洪濑综合中心")
    make_facility(kind="canteen", name="洪濑长者食堂")
    make_institution(township=shuitou, day_care=False)
    url = f"{BASE}facilities/coverage/"
    body = api(staff).get(url).json()
    check(schema, url, "get", "200", body)
    by_code = {r["code"]: r for r in body}
    assert len(by_code) == 26
    honglai = by_code[HONGLAI]
    assert (honglai["facilities"], honglai["covered"], honglai["all_three"]) == (2, True, ["洪濑综合中心"])
    assert honglai["kinds"] == {"centre": 1, "canteen": 1}
    assert (by_code[SHUITOU]["institutions"], by_code[SHUITOU]["covered"]) == (1, False)
    before = api(staff).get(url, {"on": "2017-12-31"}).json()
    assert not any(r["covered"] for r in before)  # the facilities opened in 2018
    assert [r["code"] for r in api(officer).get(url).json()] == [HONGLAI]
    bad = api(staff).get(url, {"on": "2025-02-30"})
    assert bad.status_code == 400 and "on" in bad.json()


def test_the_person_lists_filter_by_township_as_the_pages_do(staff, elder, shuitou_elder):
    from tests.eldercare.conftest import assess

    assess(staff, elder, self_care=10)
    assess(staff, shuitou_elder, self_care=10)
    body = api(staff).get(f"{BASE}assessments/", {"person__township": SHUITOU}).json()
    assert [r["person"] for r in body["results"]] == [shuitou_elder.pk]


def test_a_filter_by_another_townships_person_answers_as_an_unknown_id_does(staff, officer, elder, shuitou_elder):
    from eldercare.services.assessments import assessment_record

    for person in (elder, shuitou_elder):
        assessment_record(
            user=staff, person=person, assessed_on=D(2025, 1, 1), assessor="王评估", self_care=32,
            basic_motion=15, mental_state=28, perception_social=15,
        )  # fmt: skip
    client = api(officer)
    ours = client.get(f"{BASE}assessments/", {"person": elder.pk})
    assert ours.status_code == 200 and [r["person"] for r in ours.json()["results"]] == [elder.pk]
    theirs = client.get(f"{BASE}assessments/", {"person": shuitou_elder.pk})
    unknown = client.get(f"{BASE}assessments/", {"person": shuitou_elder.pk + 1000})
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json() == unknown.json() and "person" in theirs.json()
    # Staff act city-wide: the same filter is a list for them.
    assert api(staff).get(f"{BASE}assessments/", {"person": shuitou_elder.pk}).status_code == 200


def test_the_browsable_apis_filter_form_lists_no_ones_name(leader, officer, elder, shuitou_elder):
    """The filter form of a list in the browsable API took `?person=` as a select of every person
    the choice allowed, full names included for a leader, who sees names masked: now a text box.
    (An officer's form for a new assessment still offers their own township's people.)"""
    page = api(leader).get(f"{BASE}assessments/", HTTP_ACCEPT="text/html")
    html = page.content.decode()
    assert page.status_code == 200 and '<input type="text" name="person"' in html
    assert elder.name not in html and shuitou_elder.name not in html
    assert shuitou_elder.name not in api(officer).get(f"{BASE}assessments/", HTTP_ACCEPT="text/html").content.decode()
