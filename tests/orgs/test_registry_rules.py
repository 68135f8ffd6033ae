"""The registry's rules, at the API door (the form and the import run the same service): credit
codes, types, status dates, grades and their eligibility. A refusal names the field and saves nothing."""

import datetime

import pytest

from orgs.models import GradeEvaluation, Organisation, StatusChange
from tests.factories import HONGLAI
from tests.orgs.conftest import api, credit_code

D = datetime.date
URL = "/api/v1/orgs/organisations/"


def payload(**overrides):
    data = {"name": "南安市洪濑镇书法家协会", "credit_code": credit_code("association", 77), "type": "association",
            "registered_on": "2018-04-02", "township": HONGLAI}  # fmt: skip
    data.update(overrides)
    return data


def test_a_valid_credit_code_registers_the_organisation_and_starts_its_history(staff):
    response = api(staff).post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "registered" and body["grade"] is None and body["township"] == HONGLAI
    org = Organisation.objects.get(pk=body["id"])
    assert list(StatusChange.objects.filter(organisation=org).values_list("status", "changed_on")) == [
        ("registered", D(2018, 4, 2))
    ]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            credit_code("association", 77)[:-1] + ("0" if credit_code("association", 77)[-1] != "0" else "1"),
            "校验位错误",
        ),
        (credit_code("association", 77, authority="9"), "登记管理部门代码（第1位）应为 5"),
        (credit_code("foundation", 77), "与类型“社会团体”不符"),
        ("12345", "应为18位"),
    ],
    ids=["bad-check-character", "authority-not-civil-affairs", "type-character-disagrees", "too-short"],
)
def test_a_bad_credit_code_answers_400_naming_it_and_the_reason_and_saves_nothing(staff, code, reason):
    response = api(staff).post(URL, payload(credit_code=code), format="json")
    assert response.status_code == 400
    assert reason in " ".join(response.json()["credit_code"])
    assert not Organisation.objects.exists()


def test_a_duplicate_code_or_name_is_refused(staff, honglai_org):
    response = api(staff).post(URL, payload(name=honglai_org.name, credit_code=honglai_org.credit_code), format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"name", "credit_code"}
    assert Organisation.objects.count() == 1


def test_status_dates_must_agree_with_the_status(staff):
    response = api(staff).post(
        URL, payload(status="deregistered", revoked_on="2020-01-01", registered_on="2021-01-01"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert "deregistered_on" in body and "revoked_on" in body
    assert not Organisation.objects.exists()


def test_a_registration_date_in_1800_or_the_future_is_refused(staff):
    for day in ("1800-01-01", (datetime.date.today() + datetime.timedelta(days=2)).isoformat()):
        response = api(staff).post(URL, payload(registered_on=day), format="json")
        assert response.status_code == 400 and "registered_on" in response.json()
    assert not Organisation.objects.exists()


def test_a_name_of_100000_characters_is_refused_not_cut(staff):
    response = api(staff).post(URL, payload(name="协" * 100_000), format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_deregistration_is_dated_kept_in_history_and_cannot_happen_twice(staff, honglai_org):
    client = api(staff)
    done = client.post(f"{URL}{honglai_org.pk}/status/", {"status": "deregistered", "changed_on": "2023-05-06"},
                       format="json")  # fmt: skip
    assert done.status_code == 200, done.json()
    assert done.json()["deregistered_on"] == "2023-05-06" and done.json()["status"] == "deregistered"
    again = client.post(f"{URL}{honglai_org.pk}/status/", {"status": "revoked", "changed_on": "2023-06-01",
                                                           "reason": "x"}, format="json")  # fmt: skip
    assert again.status_code == 400 and "status" in again.json()
    assert list(honglai_org.status_changes.values_list("status", flat=True)) == ["registered", "deregistered"]
    history = client.get(f"{URL}{honglai_org.pk}/").json()["status_changes"]
    assert [(h["status"], h["changed_on"]) for h in history] == [
        ("registered", "2015-03-01"),
        ("deregistered", "2023-05-06"),
    ]


def test_an_edit_cannot_change_the_status(staff, honglai_org):
    response = api(staff).patch(f"{URL}{honglai_org.pk}/", {"status": "revoked", "address": "新地址"}, format="json")
    assert response.status_code == 200
    honglai_org.refresh_from_db()
    assert honglai_org.status == "registered" and honglai_org.address == "新地址"


GRADES = "/api/v1/orgs/grades/"


def test_a_grade_needs_two_full_calendar_years_after_registration(staff, make_org):
    org = make_org(registered_on=D(2022, 11, 30))
    client = api(staff)
    early = client.post(GRADES, {"organisation": org.pk, "grade": "3A", "evaluated_on": "2024-12-31"}, format="json")
    assert early.status_code == 400
    assert "2025-01-01 起可评估" in " ".join(early.json()["evaluated_on"])
    assert not GradeEvaluation.objects.exists()
    ok = client.post(GRADES, {"organisation": org.pk, "grade": "3A", "evaluated_on": "2025-01-01"}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["valid_until"] == "2029-12-31"
    listed = client.get(f"{URL}{org.pk}/").json()
    assert listed["grade"] == "3A" and listed["grade_valid_until"] == "2029-12-31"


def test_a_grade_after_deregistration_is_refused_naming_the_organisation(staff, make_org):
    org = make_org(registered_on=D(2015, 1, 1))
    api(staff).post(f"{URL}{org.pk}/status/", {"status": "deregistered", "changed_on": "2020-01-01"}, format="json")
    response = api(staff).post(GRADES, {"organisation": org.pk, "grade": "2A", "evaluated_on": "2021-03-01"},
                               format="json")  # fmt: skip
    assert response.status_code == 400 and "organisation" in response.json()


def test_an_expired_grade_is_not_the_current_one(staff, make_org):
    org = make_org(registered_on=D(2010, 1, 1))
    api(staff).post(GRADES, {"organisation": org.pk, "grade": "4A", "evaluated_on": "2019-06-01"}, format="json")
    assert api(staff).get(f"{URL}{org.pk}/").json()["grade"] is None  # valid until 2024-05-31


def test_a_duplicate_that_slips_past_the_check_is_a_field_error_not_a_server_error(staff, honglai_org):
    """Two clerks saving the same code a moment apart both pass the check; the database refuses the
    second, and the service says so on the field."""
    from django.core.exceptions import ValidationError

    from core.exceptions import FieldErrors
    from orgs.services._common import save_unique

    twin = Organisation(name="另一个名称", credit_code=honglai_org.credit_code, type="association",
                        registered_on=D(2018, 1, 1), township_id=HONGLAI)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        save_unique(twin, FieldErrors(), "credit_code", "已登记")
    assert exc.value.message_dict == {"credit_code": ["已登记"]}
    assert Organisation.objects.count() == 1


def test_an_unknown_action_on_an_organisation_page_is_404(client_for, staff, honglai_org):
    assert client_for(staff).post(f"/orgs/{honglai_org.pk}/nonsense/", {}).status_code == 404


def test_an_edit_of_the_registry_leaves_who_changed_what(honglai_org, officer, staff):
    """Found by an attacker's walk: an officer's change of a name, a credit code or a legal
    representative left no trail but updated_at. Each save is in the audit history now."""
    from orgs.services.organisations import organisation_change_status, organisation_update

    organisation_update(user=officer, organisation=honglai_org, legal_representative="林紫志")
    organisation_change_status(
        user=staff, organisation=honglai_org, status=Organisation.Status.DEREGISTERED,
        changed_on=datetime.date(2024, 5, 4), reason="自行申请注销",
    )  # fmt: skip
    history = list(honglai_org.history.order_by("history_id"))
    assert [(h.history_type, h.history_user) for h in history] == [("+", staff), ("~", officer), ("~", staff)]
    assert history[1].legal_representative == "林紫志" and history[0].legal_representative != "林紫志"
    assert history[2].status == Organisation.Status.DEREGISTERED
