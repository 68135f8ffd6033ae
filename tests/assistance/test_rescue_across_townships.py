"""A rescue record belongs to the township where the person was found; a person registered in another
township is shown masked to viewers outside the person's jurisdiction, on the pages and in the API
(issue 10 item 5)."""

import datetime

import pytest
from rest_framework.test import APIClient

from assistance.models import Rescue
from assistance.services.rescue import rescue_create
from core.identifiers import mask_id_number
from core.models import AccessLog
from core.roles import Role
from tests.factories import HONGLAI, SHUITOU, PersonFactory

INTAKE = datetime.date(2025, 3, 1)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def shuitou_officer(make_user):
    return make_user(Role.TOWNSHIP_OFFICER, SHUITOU)


@pytest.fixture
def stranger(shuitou):
    """Registered in 水头镇."""
    return PersonFactory(township=shuitou, name="林建国")


@pytest.fixture
def found_in_honglai(staff, honglai, stranger):
    """The 水头镇 person found in 洪濑镇, identified and escorted home."""
    return rescue_create(
        user=staff, intake_date=INTAKE, person=stranger, found_township=honglai,
        identity_established_on=INTAKE + datetime.timedelta(days=1), identity_method="police",
        outcome="escorted", outcome_date=INTAKE + datetime.timedelta(days=3),
    )  # fmt: skip


@pytest.fixture
def local(staff, honglai):
    person = PersonFactory(township=honglai, name="陈志明")
    return rescue_create(user=staff, intake_date=INTAKE, person=person, found_township=honglai,
                         identity_established_on=INTAKE, identity_method="self_reported")  # fmt: skip


def test_the_finding_townships_officer_sees_another_townships_person_masked_on_the_page(
    found_in_honglai, stranger, client_for, officer
):
    html = client_for(officer).get(f"/assistance/rescues/{found_in_honglai.pk}/").content.decode()
    assert "林*国" in html and mask_id_number(stranger.id_number) in html
    assert "林建国" not in html and stranger.id_number not in html
    assert f"/core/people/{stranger.pk}/" not in html  # the person's page would answer 404
    assert not AccessLog.objects.filter(user=officer, action=AccessLog.Action.VIEW_FULL_ID).exists()


def test_the_list_page_masks_another_townships_person(found_in_honglai, stranger, client_for, officer):
    html = client_for(officer).get("/assistance/rescues/").content.decode()
    assert "林*国" in html and "林建国" not in html and stranger.id_number not in html


def test_the_api_never_gives_another_townships_person_in_full(found_in_honglai, stranger, officer):
    record = api(officer).get(f"/api/v1/assistance/rescues/{found_in_honglai.pk}/").json()
    assert record["person_name"] == "林*国" and record["person_id_number"] == mask_id_number(stranger.id_number)
    listed = api(officer).get("/api/v1/assistance/rescues/").json()["results"]
    text = str(listed)
    assert "林建国" not in text and stranger.id_number not in text
    assert not AccessLog.objects.filter(user=officer, action=AccessLog.Action.VIEW_FULL_ID).exists()


def test_the_officer_sees_their_own_townships_person_in_full(local, client_for, officer):
    html = client_for(officer).get(f"/assistance/rescues/{local.pk}/").content.decode()
    assert "陈志明" in html and local.person.id_number in html
    record = api(officer).get(f"/api/v1/assistance/rescues/{local.pk}/").json()
    assert record["person_id_number"] == local.person.id_number


def test_the_persons_own_township_does_not_see_a_record_found_elsewhere(found_in_honglai, client_for, shuitou_officer):
    assert client_for(shuitou_officer).get(f"/assistance/rescues/{found_in_honglai.pk}/").status_code == 404
    assert api(shuitou_officer).get(f"/api/v1/assistance/rescues/{found_in_honglai.pk}/").status_code == 404


def test_city_staff_see_the_person_in_full(found_in_honglai, stranger, client_for, staff):
    html = client_for(staff).get(f"/assistance/rescues/{found_in_honglai.pk}/").content.decode()
    assert "林建国" in html and stranger.id_number in html


def test_the_finding_township_updates_its_record_without_seeing_or_losing_the_person(
    found_in_honglai, stranger, client_for, officer
):
    from django.contrib.auth.models import Permission

    officer.user_permissions.add(Permission.objects.get(codename="change_rescue"))
    officer = type(officer).objects.get(pk=officer.pk)
    client = client_for(officer)
    form = client.get(f"/assistance/rescues/{found_in_honglai.pk}/edit/").content.decode()
    assert stranger.id_number not in form and mask_id_number(stranger.id_number) in form
    response = client.post(
        f"/assistance/rescues/{found_in_honglai.pk}/edit/",
        {"intake_date": "2025-03-01", "id_number": mask_id_number(stranger.id_number), "found_township": HONGLAI,
         "identity_established_on": "2025-03-02", "identity_method": "police", "outcome": "escorted",
         "outcome_date": "2025-03-03", "note": "已与水头镇民政办交接"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    response = api(officer).patch(
        f"/api/v1/assistance/rescues/{found_in_honglai.pk}/", {"description": "车站派出所送站"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["person_name"] == "林*国"
    record = Rescue.objects.get(pk=found_in_honglai.pk)
    assert (
        record.person == stranger and record.note == "已与水头镇民政办交接" and record.description == "车站派出所送站"
    )
