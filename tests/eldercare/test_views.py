"""The Chinese pages: registry with bed figures and filters, institution page with its bed history
and the form to add a count, facility coverage by township, the older person's page with its
assessment form; exports; another township's record answers 404."""

import datetime
import io

import openpyxl
import pytest

from eldercare.models import Assessment, BedCount
from tests.factories import HONGLAI

D = datetime.date


@pytest.fixture
def homes(make_institution, shuitou):
    a = make_institution(name="洪濑颐养院", ownership="public", star_grade=3, graded_on=D(2023, 1, 1),
                         beds=[(D(2023, 12, 31), 100, 60)])  # fmt: skip
    b = make_institution(name="水头康养中心", township=shuitou, beds=[(D(2023, 12, 31), 50, 10)])
    return a, b


def test_the_registry_shows_bed_figures_and_filters_by_township_grade_and_ownership(client_for, staff, homes):
    client = client_for(staff)
    page = client.get("/eldercare/institutions/").content.decode()
    assert "洪濑颐养院" in page and "水头康养中心" in page
    assert "46.7%" in page  # 70 / 150 nursing beds
    filtered = client.get(f"/eldercare/institutions/?township={HONGLAI}&grade=3&ownership=public").content.decode()
    assert "洪濑颐养院" in filtered and "水头康养中心" not in filtered


def test_an_officer_sees_their_township_only_and_another_townships_institution_is_404(client_for, officer, homes):
    client = client_for(officer)
    page = client.get("/eldercare/institutions/").content.decode()
    assert "洪濑颐养院" in page and "水头康养中心" not in page
    assert client.get(f"/eldercare/institutions/{homes[1].pk}/").status_code == 404
    assert client.post(f"/eldercare/institutions/{homes[1].pk}/bed-counts/", {}).status_code == 404


def test_the_institution_page_adds_a_bed_count_and_refuses_more_nursing_than_total(client_for, officer, homes):
    client = client_for(officer)
    url = f"/eldercare/institutions/{homes[0].pk}/bed-counts/"
    bad = client.post(url, {"as_of": "2024-12-31", "total_beds": 80, "nursing_beds": 90})
    assert bad.status_code == 400 and "护理型床位" in bad.content.decode()
    assert not BedCount.objects.filter(as_of=D(2024, 12, 31)).exists()
    ok = client.post(url, {"as_of": "2024-12-31", "total_beds": 80, "nursing_beds": 70})
    assert ok.status_code == 302
    page = client.get(f"/eldercare/institutions/{homes[0].pk}/").content.decode()
    assert "2024-12-31" in page and "2023-12-31" in page


def test_the_coverage_page_counts_the_three_functions_by_township(client_for, staff, make_facility):
    make_facility(name="洪濑镇综合养老服务中心", full_time_care=True, day_care=True, home_visits=True)
    make_facility(name="洪濑镇长者食堂", kind="canteen")
    response = client_for(staff).get("/eldercare/coverage/?on=2024-12-31")
    rows = {r["code"]: r for r in response.context["rows"]}
    assert rows[HONGLAI]["covered"] and rows[HONGLAI]["all_three"] == ["洪濑镇综合养老服务中心"]
    assert rows[HONGLAI]["facilities"] == 2
    assert response.context["covered"] == 1 and len(rows) == 26


def test_staff_record_an_assessment_on_the_older_persons_page(client_for, staff, elder):
    client = client_for(staff)
    url = f"/eldercare/people/{elder.pk}/"
    data = {"assessed_on": "2025-03-01", "self_care": 30, "basic_motion": 14, "mental_state": 25,
            "perception_social": 13, "risk_events_30d": 2, "assessor": "王评估"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    a = Assessment.objects.get(person=elder)
    assert (a.total, a.level) == (82, 2)  # mild, raised by two risk events
    page = client.get(url).content.decode()
    assert "中度失能" in page
    bad = client.post(url, {**data, "mental_state": 29})
    assert bad.status_code == 400 and "0 至 28" in bad.content.decode()


def test_another_townships_older_person_is_404_and_a_leader_cannot_record(client_for, officer, leader, shuitou_elder):
    assert client_for(officer).get(f"/eldercare/people/{shuitou_elder.pk}/").status_code == 404
    assert client_for(leader).post(f"/eldercare/people/{shuitou_elder.pk}/", {}).status_code == 403


def _sheet(response):
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[c.value for c in row] for row in wb.active.iter_rows()]


def test_each_list_exports_to_xlsx(client_for, staff, homes, make_facility, elder):
    from eldercare.services.assessments import assessment_record

    make_facility(name="=HYPERLINK(1)")
    assessment_record(user=staff, person=elder, assessed_on=D(2025, 1, 1), assessor="王评估", self_care=32,
                      basic_motion=15, mental_state=28, perception_social=15)  # fmt: skip
    client = client_for(staff)
    rows = _sheet(client.get("/eldercare/institutions/export/"))
    assert rows[0][0] == "机构名称" and {r[0] for r in rows[1:]} == {"洪濑颐养院", "水头康养中心"}
    facilities = _sheet(client.get("/eldercare/facilities/export/"))
    assert facilities[1][0] == "=HYPERLINK(1)"  # text, never a formula (safe_cell)
    assert len(_sheet(client.get("/eldercare/coverage/export/"))) == 27
    assessments = _sheet(client.get("/eldercare/assessments/export/"))
    assert assessments[1][0] == "陈阿婆" and assessments[1][12] == "能力完好"
