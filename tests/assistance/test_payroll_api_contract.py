"""The payroll API answers what its schema says (issue 10, items 10 and 15): a build request whose
body is not a JSON object is a 400 in JSON, never a 500; `month` is a "YYYY-MM" string in the
schema and in every response; nullable fields are declared nullable."""

import json
import re

import pytest
from rest_framework.test import APIClient

from assistance.services.cases import case_transition, next_month_start
from core.models import PaymentBatch
from tests.api_schema import check_against, response_schema
from tests.assistance.conftest import TODAY, apply, family, to_notice

NEXT = next_month_start(TODAY)
BATCHES = "/api/v1/assistance/payroll-batches/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("body", ["[]", "42", "null", '"x"', '["2025-03"]', '{"month": ["2025-03"]}'])
def test_a_build_request_whose_body_is_not_an_object_answers_400_in_json(db, staff, body):
    response = api(staff).generic("POST", BATCHES, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json") and isinstance(response.json(), dict)
    assert not PaymentBatch.objects.exists()


def test_month_is_declared_as_the_year_month_string_the_api_returns(schema):
    month = schema["components"]["schemas"]["PayrollBatch"]["properties"]["month"]
    assert month["type"] == "string" and "format" not in month
    assert re.fullmatch(month["pattern"], "2026-10") and not re.fullmatch(month["pattern"], "2026-10-01")


def test_every_payroll_response_matches_its_schema(
    schema, standards, assistant, officer, second_officer, staff, make_user, django_capture_on_commit_callbacks
):
    case = to_notice(apply(assistant, family(2), income=("wages", "500")), investigator=assistant, reviewer=officer)
    case_transition(user=second_officer, case=case, action="confirm")
    with django_capture_on_commit_callbacks(execute=True):
        queued = api(staff).post(BATCHES, {"month": f"{NEXT:%Y-%m}"}, format="json")
    assert queued.status_code == 202
    check_against(schema, response_schema(schema, BATCHES, "post", "202"), queued.json())
    assert queued.json()["month"] == f"{NEXT:%Y-%m}"

    listing = api(staff).get(BATCHES).json()
    check_against(schema, response_schema(schema, BATCHES, "get", "200"), listing)
    batch = listing["results"][0]
    assert batch["month"] == f"{NEXT:%Y-%m}" and batch["approved_at"] is None

    detail = api(staff).get(f"{BATCHES}{batch['id']}/").json()
    check_against(schema, response_schema(schema, BATCHES + "{id}/", "get", "200"), detail)
    assert detail["townships"][0]["households"] == 1 and detail["townships"][0]["amount"] == "1050.00"

    approved = api(make_user("staff")).post(f"{BATCHES}{batch['id']}/approve/").json()
    check_against(schema, response_schema(schema, BATCHES + "{id}/approve/", "post", "200"), approved)
    assert approved["state"] == "approved"
    json.dumps(approved)  # plain JSON all the way down
