"""The indicators API answers what its schema says (issue 10, item 15): `POST /indicators/{no}/choice/`
and `…/manual-values/` answer the indicator with its yearly values, as the schema now documents,
and the recompute request answers 202 with the job and its status URL."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from indicators.models import RecomputeRun


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a null type beside the declared one, and
    a boolean `exclusiveMaximum` (draft 4) the bound itself."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        if out.get(exclusive) is True:
            out[exclusive] = out.pop(bound)
        elif out.get(exclusive) is False:
            del out[exclusive]
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def check(schema, path, method, code, body):
    responses = schema["paths"][path][method]["responses"]
    assert code in responses, f"{method} {path} does not document {code}: {sorted(responses)}"
    operation = responses[code]["content"]["application/json"]["schema"]
    jsonschema.validate(body, {"components": _json_schema(schema["components"]), **_json_schema(operation)})


def test_a_choice_answers_the_indicator_as_documented(schema, staff, client_for):
    client = client_for(staff)
    response = client.post(
        "/api/v1/indicators/7/choice/",
        {"year": 2021, "source": "computed", "reason": "系统数据"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["no"] == 7 and {v["year"] for v in body["values"]} == set(range(2020, 2026))
    check(schema, "/api/v1/indicators/{no}/choice/", "post", "200", body)


def test_a_manual_value_answers_the_indicator_as_documented(schema, staff, client_for):
    response = client_for(staff).post(
        "/api/v1/indicators/13/manual-values/",
        {"year": 2025, "value": "100", "source": "省厅通报", "reason": "无系统来源"},
        content_type="application/json",
    )
    assert response.status_code == 200
    check(schema, "/api/v1/indicators/{no}/manual-values/", "post", "200", response.json())


def test_the_indicator_detail_documents_its_values(schema, leader, client_for):
    body = client_for(leader).get("/api/v1/indicators/2/").json()
    check(schema, "/api/v1/indicators/{no}/", "get", "200", body)
    assert "values" in schema["components"]["schemas"]["IndicatorDetail"]["required"]


def test_the_recompute_request_and_its_status_match_the_schema(
    schema, staff, client_for, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
    assert accepted.status_code == 202
    check(schema, "/api/v1/indicators/recompute/", "post", "202", accepted.json())
    run = RecomputeRun.objects.get()
    status = client.get(f"/api/v1/indicators/recompute/{run.pk}/").json()
    check(schema, "/api/v1/indicators/recompute/{id}/", "get", "200", status)
