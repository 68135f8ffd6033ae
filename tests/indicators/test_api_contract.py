"""The indicators API answers what its schema says (issue 10, item 15): `POST /indicators/{no}/choice/`
and `…/manual-values/` answer the indicator with its yearly values, as the schema now documents,
and the recompute request answers 202 with the job and its status URL."""

from indicators.models import RecomputeRun
from tests.api_schema import check


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
