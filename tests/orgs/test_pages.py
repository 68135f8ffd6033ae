"""The orgs pages as each role meets them: the registry and its export, an organisation's page and
its action forms (errors on the fields, nothing saved), another township's organisation answering
404, the public lists without login, and the certificate of volunteer hours."""

import datetime
import io
import subprocess

import openpyxl
import pytest

from core.models import AccessLog, Division
from orgs.models import AnnualReport, VolunteerRecord
from tests.factories import HONGLAI, SHUITOU, PersonFactory

D = datetime.date


@pytest.mark.parametrize(
    "url",
    ["/orgs/", "/orgs/reports/", "/orgs/grades/", "/orgs/lists/", "/orgs/stations/", "/orgs/workers/",
     "/orgs/facilities/", "/orgs/volunteers/", "/orgs/new/", "/orgs/workers/new/", "/orgs/facilities/new/",
     "/orgs/stations/new/", "/orgs/volunteers/new/", "/orgs/?overdue=2023", "/orgs/reports/?export=1",
     "/orgs/grades/?export=1", "/orgs/lists/?export=1&state=removed", "/orgs/stations/export/",
     "/orgs/volunteers/export/"],
)  # fmt: skip
def test_every_page_opens_for_staff(client_for, staff, honglai_org, url):
    response = client_for(staff).get(url)
    assert response.status_code == 200, url


def test_the_registry_export_holds_the_filtered_rows(client_for, staff, honglai_org, shuitou_org):
    response = client_for(staff).get(f"/orgs/export/?township={HONGLAI}")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == [honglai_org.name]
    # The legal representatives' names go out in full to staff: the export is logged.
    assert AccessLog.objects.filter(user=staff, action=AccessLog.Action.EXPORT).exists()


def test_another_townships_organisation_answers_404(client_for, officer, shuitou_org, honglai_org):
    client = client_for(officer)
    assert client.get(f"/orgs/{shuitou_org.pk}/").status_code == 404
    assert client.get(f"/orgs/{shuitou_org.pk}/edit/").status_code == 404
    assert client.post(f"/orgs/{shuitou_org.pk}/report/", {"report-year": 2023}).status_code == 404
    assert client.get(f"/orgs/{honglai_org.pk}/").status_code == 200


def test_a_bad_report_comes_back_on_its_field_and_saves_nothing(client_for, staff, honglai_org):
    client = client_for(staff)
    response = client.post(
        f"/orgs/{honglai_org.pk}/report/",
        {"report-year": 2023, "report-submitted_on": "2023-02-01", "report-result": "passed"},
    )
    assert response.status_code == 400
    assert 'data-field-error="submitted_on"' in response.content.decode()
    assert not AnnualReport.objects.exists()
    ok = client.post(
        f"/orgs/{honglai_org.pk}/report/",
        {"report-year": 2023, "report-submitted_on": "2024-02-01", "report-result": "passed"},
    )
    assert ok.status_code == 302 and AnnualReport.objects.count() == 1


def test_the_leader_reads_but_has_no_action_forms(client_for, leader, honglai_org):
    client = client_for(leader)
    page = client.get(f"/orgs/{honglai_org.pk}/").content.decode()
    assert 'data-testid="form-report"' not in page
    assert client.post(f"/orgs/{honglai_org.pk}/grade/", {}).status_code == 403


def test_the_public_lists_open_without_login(db, client):
    for url in ("/orgs/public/abnormal/", "/orgs/public/dishonest/"):
        assert client.get(url).status_code == 200
    assert client.get("/orgs/").status_code == 302  # the registry itself needs a login


def test_the_certificate_states_the_hours_and_is_logged(client_for, staff):
    person = PersonFactory(name="王丽华", birth_date=D(1990, 1, 1))
    for day, hours in ((D(2024, 3, 1), "3.5"), (D(2024, 4, 2), "2"), (D(2023, 1, 1), "8")):
        VolunteerRecord.objects.create(volunteer=person, township_id=HONGLAI, activity="敬老院陪护", served_on=day,
                                       hours=hours, organiser="洪濑镇志愿者协会")  # fmt: skip
    response = client_for(staff).get(
        "/orgs/volunteers/certificate/", {"id_number": person.id_number, "start": "2024-01-01", "end": "2024-12-31"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True)
    content = text.stdout.decode()
    assert "志愿服务记录证明" in content and "王丽华" in content and "5.5" in content
    assert AccessLog.objects.filter(object_ids__contains=[person.pk]).exists()


def test_a_certificate_without_records_says_so(client_for, staff):
    person = PersonFactory()
    response = client_for(staff).get(
        "/orgs/volunteers/certificate/", {"id_number": person.id_number, "start": "2024-01-01", "end": "2024-12-31"}
    )
    assert response.status_code == 404 and "没有此人的志愿服务记录" in response.content.decode()


def test_a_facility_form_refuses_a_village_of_another_township(client_for, officer):
    other = Division.objects.filter(level="village", parent_id=SHUITOU).first() or Division.objects.create(
        code=f"{SHUITOU}201", name="测试村", level="village", kind="village", parent_id=SHUITOU
    )
    response = client_for(officer).post(
        "/orgs/facilities/new/",
        {"village": other.code, "name": "x", "floor_area_m2": "100", "in_use_from": "2020-01-01"},
    )
    assert response.status_code == 200 and 'data-field-error="village"' in response.content.decode()
