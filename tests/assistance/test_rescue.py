"""Vagrant rescue (流浪乞讨人员救助): the service's rules, the pages and the API."""

import datetime
from datetime import date as D

import pytest
from django.contrib.auth.models import Permission

from assistance.forms.rescue import RescueForm
from assistance.indicators import vagrant_return_rate
from assistance.models import Rescue
from assistance.services.rescue import rescue_create, rescue_update
from core.models import AccessLog
from core.selectors import township_choices
from tests.assistance.conftest import api, errors_of
from tests.factories import HONGLAI, SHUITOU, PersonFactory

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def unknown(user, township=None, intake=D(2025, 3, 1), **extra) -> Rescue:
    return rescue_create(
        user=user, intake_date=intake, provisional_name="无名氏2025-03", found_township=township, **extra
    )


def home(user, person, township=None, intake=D(2025, 3, 1), outcome="escorted") -> Rescue:
    """Identified two days after intake and escorted home on the fifth."""
    return rescue_create(
        user=user, intake_date=intake, person=person, found_township=township,
        identity_established_on=intake + datetime.timedelta(days=2), identity_method="police",
        outcome=outcome, outcome_date=intake + datetime.timedelta(days=5),
    )  # fmt: skip


def grant(user, *codenames):
    """A township user given the right to record rescues: shows the jurisdiction rules hold for writers."""
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="assistance", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # drop the cached permissions


# --- the service ---------------------------------------------------------------------------------


def test_an_unknown_person_is_recorded_under_a_provisional_name(staff, honglai):
    rescue = unknown(staff, honglai, sex="M", description="在洪濑客运站附近徘徊")
    assert rescue.pk and rescue.person is None and str(rescue) == "无名氏2025-03"
    assert rescue.outcome == "" and rescue.created_by == staff


def test_an_unknown_person_without_a_provisional_name_is_refused(staff):
    errors = errors_of(lambda: rescue_create(user=staff, intake_date=D(2025, 3, 1)))
    assert "临时称呼" in errors["provisional_name"][0]
    assert not Rescue.objects.exists()


def test_an_established_identity_needs_the_person_and_the_method(staff):
    errors = errors_of(lambda: unknown(staff, identity_established_on=D(2025, 3, 2)))
    assert "关联人员档案" in errors["person"][0]
    assert "查明身份的方式" in errors["identity_method"][0]


def test_nobody_is_escorted_home_before_their_identity_is_established(staff):
    errors = errors_of(lambda: unknown(staff, outcome="escorted", outcome_date=D(2025, 3, 5)))
    assert "应先查明身份" in errors["outcome"][0]


def test_an_outcome_and_its_date_go_together(staff):
    assert "离站日期" in errors_of(lambda: unknown(staff, outcome="other"))["outcome_date"][0]
    assert "去向" in errors_of(lambda: unknown(staff, outcome_date=D(2025, 3, 5)))["outcome"][0]


def test_dates_are_neither_in_the_future_nor_before_the_intake(staff):
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert f"至 {TODAY.isoformat()} 之间" in errors_of(lambda: unknown(staff, intake=tomorrow))["intake_date"][0]
    errors = errors_of(
        lambda: unknown(staff, person=PersonFactory(), identity_established_on=D(2025, 2, 1), identity_method="dna")
    )
    assert "不能早于入站日期" in " ".join(errors["identity_established_on"])
    errors = errors_of(lambda: unknown(staff, outcome="other", outcome_date=D(2025, 2, 1)))
    assert "不能早于入站日期" in " ".join(errors["outcome_date"])


def test_a_date_before_the_intake_is_explained_once_on_its_field(staff):
    errors = errors_of(lambda: unknown(staff, outcome="other", outcome_date=D(2025, 2, 1)))
    assert errors == {"outcome_date": ["离站日期不能早于入站日期。"]}


def test_a_township_user_records_only_people_found_in_their_township(officer, shuitou, honglai):
    errors = errors_of(lambda: unknown(officer, shuitou))
    assert "本乡镇" in errors["found_township"][0]
    assert unknown(officer, honglai).found_township == honglai


def test_an_unknown_person_is_identified_later_and_escorted_home(staff, honglai):
    rescue = unknown(staff, honglai)
    person = PersonFactory(township=honglai)
    rescue_update(
        user=staff, rescue=rescue, person=person, identity_established_on=D(2025, 3, 4), identity_method="family",
        outcome="escorted", outcome_date=D(2025, 3, 6),
    )  # fmt: skip
    rescue.refresh_from_db()
    assert rescue.person == person and rescue.outcome in Rescue.RETURNED


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def records(staff, honglai, shuitou):
    """2025: two from 洪濑 (one unknown still at the station, one identified and escorted home), one
    from 水头 identified and placed long term; 2024: one from 洪濑 that returned by themselves."""
    return {
        "honglai_unknown": unknown(staff, honglai, intake=D(2025, 3, 1)),
        "honglai_home": home(staff, PersonFactory(township=honglai, name="陈志明"), honglai, intake=D(2025, 4, 1)),
        "shuitou_placed": home(
            staff, PersonFactory(township=shuitou, name="林建国"), shuitou, intake=D(2025, 5, 1), outcome="long_term"
        ),
        "honglai_2024": home(staff, PersonFactory(township=honglai), honglai, D(2024, 6, 1), "returned_self"),
    }


def test_the_list_filters_by_year_outcome_and_identity(client_for, staff, records):
    client = client_for(staff)

    def shown(query):
        html = client.get(f"/assistance/rescues/?{query}").content.decode()
        return {name for name, r in records.items() if f'data-testid="rescue-row-{r.pk}"' in html}

    assert shown("") == set(records)
    assert shown("year=2025") == {"honglai_unknown", "honglai_home", "shuitou_placed"}
    assert shown("year=2025&outcome=pending") == {"honglai_unknown"}
    assert shown("outcome=escorted") == {"honglai_home"}
    assert shown("identified=no") == {"honglai_unknown"}
    assert shown("year=2025&identified=yes") == {"honglai_home", "shuitou_placed"}
    response = client.get("/assistance/rescues/?year=abc")
    assert response.status_code == 200 and 'data-field-error="year"' in response.content.decode()


def test_the_list_summary_for_the_city_is_the_indicator_providers_figure(client_for, staff, records):
    response = client_for(staff).get("/assistance/rescues/?year=2025")
    summary = response.context["summary"]
    actual = vagrant_return_rate(2025, min(TODAY, D(2025, 12, 31)))
    assert (summary["rescued"], summary["identified"], summary["returned"]) == (3, 2, 1)
    assert (summary["returned"], summary["identified"], summary["rate"]) == (
        actual.numerator,
        actual.denominator,
        actual.value,
    )
    html = response.content.decode()
    assert 'data-testid="summary-rate">50.00%' in html


def test_a_township_officer_sees_only_their_townships_rescues(client_for, officer, records):
    client = client_for(officer)
    response = client.get("/assistance/rescues/?year=2025")
    html = response.content.decode()
    assert f'rescue-row-{records["honglai_home"].pk}"' in html
    assert f'rescue-row-{records["shuitou_placed"].pk}"' not in html
    assert (response.context["summary"]["rescued"], response.context["summary"]["rate"]) == (2, 100)
    assert client.get(f"/assistance/rescues/{records['shuitou_placed'].pk}/").status_code == 404
    assert client.get(f"/assistance/rescues/{records['honglai_home'].pk}/").status_code == 200
    # Viewing is every assistance role's; recording is the bureau's.
    assert client.get("/assistance/rescues/new/").status_code == 403
    assert client.get(f"/assistance/rescues/{records['honglai_home'].pk}/edit/").status_code == 403


def test_a_leader_reads_masked_names_and_id_numbers_and_cannot_record(client_for, leader, records):
    client = client_for(leader)
    person = records["honglai_home"].person
    list_html = client.get("/assistance/rescues/").content.decode()
    detail_html = client.get(f"/assistance/rescues/{records['honglai_home'].pk}/").content.decode()
    for html in (list_html, detail_html):
        assert "陈*明" in html and "陈志明" not in html and person.id_number not in html
    assert person.id_number[:6] + "********" + person.id_number[-4:] in detail_html
    assert "登记入站" not in list_html and "/edit/" not in detail_html
    assert client.get("/assistance/rescues/new/").status_code == 403
    assert client.post("/assistance/rescues/new/", {"intake_date": "2025-03-01"}).status_code == 403
    assert not AccessLog.objects.filter(user=leader).exists()


def test_staff_see_the_full_id_number_and_the_view_is_logged(client_for, staff, records):
    rescue = records["honglai_home"]
    html = client_for(staff).get(f"/assistance/rescues/{rescue.pk}/").content.decode()
    assert rescue.person.id_number in html and "陈志明" in html
    log = AccessLog.objects.get(user=staff, action=AccessLog.Action.VIEW_FULL_ID)
    assert log.object_ids == [rescue.person_id]


def test_staff_record_an_identified_person_by_id_number(client_for, staff, honglai):
    person = PersonFactory(township=honglai)
    response = client_for(staff).post(
        "/assistance/rescues/new/",
        {"intake_date": "2025-03-01", "id_number": person.id_number.lower(), "found_township": HONGLAI,
         "identity_established_on": "2025-03-02", "identity_method": "police", "outcome": "escorted",
         "outcome_date": "2025-03-04", "description": "在车站求助"},
    )  # fmt: skip
    rescue = Rescue.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assistance/rescues/{rescue.pk}/"
    assert rescue.person == person and rescue.found_township_id == HONGLAI and rescue.created_by == staff


def test_staff_record_an_unknown_person_with_a_provisional_name(client_for, staff):
    response = client_for(staff).post(
        "/assistance/rescues/new/", {"intake_date": "2025-03-01", "provisional_name": "无名氏2025-03", "sex": "F"}
    )
    assert response.status_code == 302
    rescue = Rescue.objects.get()
    assert rescue.person is None and rescue.sex == "F" and rescue.found_township is None


def test_the_services_errors_are_shown_on_the_form_and_nothing_is_saved(client_for, staff):
    response = client_for(staff).post(
        "/assistance/rescues/new/",
        {"intake_date": "2025-03-01", "identity_established_on": "2025-03-02", "outcome": "escorted",
         "outcome_date": "2025-03-04"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and not Rescue.objects.exists()
    assert 'data-field-error="provisional_name"' in html
    # The service's error on the person belongs to the ID number input.
    assert 'data-field-error="id_number"' in html and "关联人员档案" in html
    assert 'data-field-error="identity_method"' in html


def test_an_id_number_not_registered_in_the_jurisdiction_is_a_form_error(staff, officer, shuitou):
    stranger = PersonFactory(township=shuitou)
    form = RescueForm(
        {"intake_date": "2025-03-01", "id_number": stranger.id_number},
        user=officer,
        townships=township_choices(officer),
    )
    assert not form.is_valid() and "本辖区没有此身份证号的人员" in form.errors["id_number"][0]
    form = RescueForm({"intake_date": "2025-03-01", "id_number": "350583199001011234"}, user=staff,
                      townships=township_choices(staff))  # fmt: skip
    assert not form.is_valid() and "校验位" in form.errors["id_number"][0]
    # A township user can only pick their own township as the place found.
    assert [t.code for t in RescueForm(user=officer, townships=township_choices(officer))
            .fields["found_township"].queryset] == [HONGLAI]  # fmt: skip


def test_staff_identify_a_person_later_in_the_edit_form(client_for, staff, records, honglai):
    rescue = records["honglai_unknown"]
    person = PersonFactory(township=honglai)
    client = client_for(staff)
    form_html = client.get(f"/assistance/rescues/{rescue.pk}/edit/").content.decode()
    assert 'value="无名氏2025-03"' in form_html and 'value="2025-03-01"' in form_html
    response = client.post(
        f"/assistance/rescues/{rescue.pk}/edit/",
        {"intake_date": "2025-03-01", "id_number": person.id_number, "provisional_name": "无名氏2025-03",
         "found_township": HONGLAI, "identity_established_on": "2025-03-10", "identity_method": "dna",
         "outcome": "returned_self", "outcome_date": "2025-03-12"},
    )  # fmt: skip
    assert response.status_code == 302
    rescue.refresh_from_db()
    assert rescue.person == person and rescue.outcome == "returned_self"


def test_the_pages_render_without_inline_styles_or_scripts(client_for, staff, records):
    client = client_for(staff)
    pk = records["honglai_home"].pk
    for url in ("/assistance/rescues/", "/assistance/rescues/new/", f"/assistance/rescues/{pk}/",
                f"/assistance/rescues/{pk}/edit/"):  # fmt: skip
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert " style=" not in html and "<script>" not in html, url


# --- the API -------------------------------------------------------------------------------------

URL = "/api/v1/assistance/rescues/"


def test_staff_create_a_rescue_through_the_api_naming_the_person_by_id_number(staff, honglai):
    person = PersonFactory(township=honglai, name="陈志明")
    response = api(staff).post(
        URL,
        {"intake_date": "2025-03-01", "person_id_number": person.id_number, "found_township": HONGLAI,
         "identity_established_on": "2025-03-02", "identity_method": "self_reported"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["person"] == person.pk and body["person_id_number"] == person.id_number
    assert body["person_name"] == "陈志明" and body["identified"] is True and body["outcome"] == ""
    rescue = Rescue.objects.get(pk=body["id"])
    assert rescue.created_by == staff and rescue.found_township_id == HONGLAI


def test_an_api_rule_violation_answers_400_with_the_fields_named(staff):
    response = api(staff).post(
        URL, {"intake_date": "2025-03-01", "outcome": "escorted", "outcome_date": "2025-03-02"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "临时称呼" in body["provisional_name"][0] and "应先查明身份" in body["outcome"][0]
    assert not Rescue.objects.exists()
    response = api(staff).post(URL, {"provisional_name": "无名氏"}, format="json")
    assert response.status_code == 400 and "intake_date" in response.json()


def test_the_api_updates_a_rescue_with_patch_only(staff, records, honglai):
    rescue = records["honglai_unknown"]
    person = PersonFactory(township=honglai)
    client = api(staff)
    response = client.patch(
        f"{URL}{rescue.pk}/",
        {"person": person.pk, "identity_established_on": "2025-03-03", "identity_method": "police",
         "outcome": "escorted", "outcome_date": "2025-03-04"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "escorted" and response.json()["person"] == person.pk
    refused = client.patch(f"{URL}{rescue.pk}/", {"outcome_date": "2025-02-01"}, format="json")
    assert refused.status_code == 400 and "不能早于入站日期" in " ".join(refused.json()["outcome_date"])
    rescue.refresh_from_db()
    assert rescue.outcome_date == D(2025, 3, 4)
    assert client.put(f"{URL}{rescue.pk}/", {}, format="json").status_code == 405
    # No one deletes a rescue record: without the delete right the permission check answers first.
    assert client.delete(f"{URL}{rescue.pk}/").status_code == 403 and Rescue.objects.filter(pk=rescue.pk).exists()


def test_the_api_filters_by_year_outcome_and_identity(staff, records):
    client = api(staff)

    def ids(query):
        return {r["id"] for r in client.get(f"{URL}?{query}").json()["results"]}

    assert ids("") == {r.pk for r in records.values()}
    assert ids("year=2024") == {records["honglai_2024"].pk}
    assert ids("outcome=pending") == {records["honglai_unknown"].pk}
    assert ids("year=2025&outcome=long_term") == {records["shuitou_placed"].pk}
    assert ids("identified=no") == {records["honglai_unknown"].pk}
    assert len(ids("identified=yes")) == 3
    assert client.get(f"{URL}?outcome=lost").status_code == 400


def test_another_townships_rescue_answers_404_in_the_api(officer, records):
    client = api(officer)
    assert client.get(f"{URL}{records['shuitou_placed'].pk}/").status_code == 404
    assert client.get(f"{URL}{records['honglai_home'].pk}/").status_code == 200
    listed = {r["id"] for r in client.get(URL).json()["results"]}
    assert listed == {records["honglai_unknown"].pk, records["honglai_home"].pk, records["honglai_2024"].pk}


def test_a_township_writer_cannot_name_another_townships_person_or_place(officer, records, shuitou, honglai):
    writer = grant(officer, "add_rescue", "change_rescue")
    stranger = PersonFactory(township=shuitou)
    client = api(writer)
    by_pk = client.post(URL, {"intake_date": "2025-03-01", "person": stranger.pk}, format="json")
    by_number = client.post(URL, {"intake_date": "2025-03-01", "person_id_number": stranger.id_number}, format="json")
    missing = client.post(URL, {"intake_date": "2025-03-01", "person": 999_999_999}, format="json")
    # Another township's person answers exactly like a missing one.
    assert by_pk.status_code == missing.status_code == 400
    assert by_pk.json()["person"] == [m.replace("999999999", str(stranger.pk)) for m in missing.json()["person"]]
    assert by_number.status_code == 400 and "本辖区没有" in by_number.json()["person_id_number"][0]
    placed = client.post(URL, {"intake_date": "2025-03-01", "provisional_name": "无名氏", "found_township": SHUITOU},
                         format="json")  # fmt: skip
    assert placed.status_code == 400 and "本乡镇" in placed.json()["found_township"][0]
    patch = client.patch(f"{URL}{records['shuitou_placed'].pk}/", {"note": "x"}, format="json")
    assert patch.status_code == 404
    assert not Rescue.objects.filter(created_by=writer).exists()


def test_a_leader_reads_the_api_masked_and_is_refused_writes_with_403(leader, records):
    client = api(leader)
    rescue = records["honglai_home"]
    body = client.get(f"{URL}{rescue.pk}/").json()
    assert body["person_name"] == "陈*明" and body["person_id_number"] != rescue.person.id_number
    assert body["person_id_number"].startswith(rescue.person.id_number[:6] + "****")
    response = client.post(URL, {"intake_date": "2025-03-01", "provisional_name": "无名氏"}, format="json")
    assert response.status_code == 403
    assert client.patch(f"{URL}{rescue.pk}/", {"note": "x"}, format="json").status_code == 403
    assert Rescue.objects.count() == len(records)
    assert not AccessLog.objects.filter(user=leader).exists()


def test_full_id_numbers_in_api_reads_are_logged(staff, records):
    api(staff).get(URL)
    log = AccessLog.objects.get(user=staff, action=AccessLog.Action.VIEW_FULL_ID)
    assert sorted(log.object_ids) == sorted(r.person_id for r in records.values() if r.person_id)


def test_the_openapi_schema_documents_the_rescue_filters_and_methods(staff):
    schema = api(staff).get("/api/schema/?format=json").json()
    item = schema["paths"]["/api/v1/assistance/rescues/{id}/"]
    assert "patch" in item and "put" not in item and "delete" not in item
    params = {p["name"]: p for p in schema["paths"]["/api/v1/assistance/rescues/"]["get"]["parameters"]}
    assert {"year", "outcome", "identified"} <= set(params)
    assert "pending" in params["outcome"]["schema"]["enum"]
