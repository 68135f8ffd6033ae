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


def test_an_officer_is_not_offered_the_review_result_and_a_posted_one_is_not_recorded(
    client_for, officer, staff, honglai_org
):
    client = client_for(officer)
    assert 'name="report-result"' not in client.get(f"/orgs/{honglai_org.pk}/").content.decode()
    response = client.post(
        f"/orgs/{honglai_org.pk}/report/",
        {"report-year": 2023, "report-submitted_on": "2024-02-01", "report-result": "passed"},
    )
    assert response.status_code == 302
    assert AnnualReport.objects.get().result == AnnualReport.Result.PENDING
    assert 'name="report-result"' in client_for(staff).get(f"/orgs/{honglai_org.pk}/").content.decode()


def test_a_reviewer_records_the_review_result_on_the_organisation_page(client_for, officer, staff, honglai_org):
    from orgs.services.reports import annual_report_record

    report = annual_report_record(user=officer, organisation=honglai_org, year=2023, submitted_on=D(2024, 2, 1))
    data = {"review-report": report.pk, "review-result": "passed", "review-note": ""}
    assert 'data-testid="form-review"' not in client_for(officer).get(f"/orgs/{honglai_org.pk}/").content.decode()
    assert client_for(officer).post(f"/orgs/{honglai_org.pk}/review/", data).status_code == 403
    client = client_for(staff)
    assert 'data-testid="form-review"' in client.get(f"/orgs/{honglai_org.pk}/").content.decode()
    assert client.post(f"/orgs/{honglai_org.pk}/review/", data).status_code == 302
    report.refresh_from_db()
    assert report.result == AnnualReport.Result.PASSED


@pytest.fixture
def named_in_texts(make_org, staff):
    """An organisation whose legal representative 陈建国 is named in a supervision note, a list
    entry's reason and its removal, and a status change's reason."""
    from orgs.services.lists import list_entry_add, list_entry_remove
    from orgs.services.organisations import organisation_change_status
    from orgs.services.supervision import supervision_record

    org = make_org("南安市洪濑镇书法协会", legal_representative="陈建国")
    supervision_record(user=staff, organisation=org, kind="interview", done_on=D(2024, 4, 1), result="rectify",
                       note="约谈法定代表人陈建国")  # fmt: skip
    entry = list_entry_add(user=staff, organisation=org, kind="abnormal", listed_on=D(2024, 6, 1),
                           reason="陈建国拒不报送年报")  # fmt: skip
    list_entry_remove(user=staff, entry=entry, removed_on=D(2024, 7, 1), reason="陈建国已补报")
    entry = list_entry_add(user=staff, organisation=org, kind="abnormal", listed_on=D(2024, 8, 1),
                           reason="陈建国失联")  # fmt: skip
    organisation_change_status(user=staff, organisation=org, status="deregistered", changed_on=D(2024, 9, 1),
                               reason="陈建国申请注销")  # fmt: skip
    return org


def test_the_legal_representatives_name_in_free_text_is_masked_on_the_pages(client_for, leader, staff, named_in_texts):
    org = named_in_texts
    for url in (f"/orgs/{org.pk}/", "/orgs/lists/?state=removed", "/orgs/lists/?state=open"):
        page = client_for(leader).get(url).content.decode()
        assert "陈建国" not in page and "陈*国" in page, url
    page = client_for(staff).get(f"/orgs/{org.pk}/").content.decode()
    assert "约谈法定代表人陈建国" in page and "陈建国申请注销" in page
    export = client_for(leader).get("/orgs/lists/?export=1&state=removed")
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    cells = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "陈建国" not in cells and "陈*国拒不报送年报" in cells


def test_the_registry_export_is_logged_for_a_masked_reader_too(client_for, leader, honglai_org):
    response = client_for(leader).get("/orgs/export/")
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=leader, action=AccessLog.Action.EXPORT).count() == 1
