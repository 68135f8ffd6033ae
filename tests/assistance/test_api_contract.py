"""The assistance API answers bad input with a 400 naming the field (never a 500), and its schema says
what its responses really carry (issue 10 items 10 and 15)."""

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Case
from assistance.services.cases import case_transition
from tests.assistance.conftest import api, apply, family, to_notice


@pytest.fixture
def active_case(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    return case_transition(user=second_officer, case=case, action="confirm")


def test_a_transition_with_a_field_its_action_does_not_use_answers_400_naming_the_field(active_case, officer):
    response = api(officer).post(
        f"/api/v1/assistance/cases/{active_case.pk}/transition/",
        {"action": "suspend", "comment": "外出务工", "investigators": "黄秀英、陈国华"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "investigators" in response.json()
    active_case.refresh_from_db()
    assert active_case.state == Case.State.ACTIVE


@pytest.mark.parametrize(
    "action,field,value",
    [("suspend", "exit_until", "2026-01-01"), ("resume", "opinion", "x"), ("extend", "recheck_months", 6)],
)
def test_every_action_refuses_the_fields_it_does_not_use(standards, assistant, officer, action, field, value):
    case = apply(assistant, family(2), accept=True)
    with pytest.raises(ValidationError) as err:
        case_transition(user=officer, case=case, action=action, comment="理由", **{field: value})
    assert field in err.value.message_dict


def test_the_rescue_list_refuses_an_impossible_year_with_400(staff):
    for year in ("99999", "0", "1800", "²", "2025.5"):
        response = api(staff).get(f"/api/v1/assistance/rescues/?year={year}")
        assert response.status_code == 400, (year, response.content)
        assert "year" in response.json()
    assert api(staff).get("/api/v1/assistance/rescues/?year=2025").status_code == 200


def test_the_rescue_page_with_an_impossible_year_shows_the_form_error(client_for, staff):
    response = client_for(staff).get("/assistance/rescues/?year=99999")
    assert response.status_code == 200


def test_the_schema_says_a_cases_decision_may_be_null_as_the_api_returns_it(standards, assistant, staff):
    case = apply(assistant, family(2))
    listed = api(staff).get("/api/v1/assistance/cases/").json()["results"]
    assert [c["decision"] for c in listed if c["id"] == case.pk] == [None]
    assert api(staff).get(f"/api/v1/assistance/cases/{case.pk}/").json()["decision"] is None
    schemas = api(staff).get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("Case", "CaseDetail"):
        decision = schemas[name]["properties"]["decision"]
        assert decision.get("nullable") is True or {"type": "null"} in decision.get("oneOf", []), (name, decision)


def test_the_schema_says_which_case_and_step_fields_may_be_null(standards, assistant, staff):
    from assistance.models import Transition

    case = apply(assistant, family(2))
    Transition.objects.filter(case=case).update(user=None)  # an imported step has no user
    detail = api(staff).get(f"/api/v1/assistance/cases/{case.pk}/").json()
    assert detail["village"] is None and detail["transitions"][0]["user"] is None
    schemas = api(staff).get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schemas["CaseDetail"]["properties"]["village"].get("nullable") is True
    assert schemas["Transition"]["properties"]["user"].get("nullable") is True
