"""Annual reports and the 1 June check: who owes a report, who goes on the abnormal-activity list,
who is proposed for the dishonesty list, and what a late report undoes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from orgs.models import AnnualReport, AnnualReportCheck, ListEntry
from orgs.services.lists import list_entry_confirm
from orgs.services.reports import (
    ReportCheckTooEarly,
    annual_report_check,
    annual_report_record,
    annual_report_review,
)
from orgs.tasks import annual_report_check_task
from tests.api_schema import check
from tests.factories import SHUITOU
from tests.orgs.conftest import api

D = datetime.date


@pytest.fixture
def registry(make_org, staff):
    """Five organisations and their 2023 reports: on time, late (after the check), missing, registered
    in the second half of 2023 (owes nothing), deregistered before the due date."""
    on_time = make_org("按时报送协会", registered_on=D(2019, 1, 1))
    late = make_org("逾期报送协会", registered_on=D(2019, 1, 1))
    missing = make_org("未报送协会", township=SHUITOU, registered_on=D(2023, 6, 30))
    young = make_org("新登记协会", registered_on=D(2023, 7, 1))
    gone = make_org("已注销协会", registered_on=D(2019, 1, 1))
    from orgs.services.organisations import organisation_change_status

    organisation_change_status(user=staff, organisation=gone, status="deregistered", changed_on=D(2024, 3, 1))
    annual_report_record(user=staff, organisation=on_time, year=2023, submitted_on=D(2024, 5, 31), result="passed")
    return {"on_time": on_time, "late": late, "missing": missing, "young": young, "gone": gone}


def test_the_check_lists_exactly_those_owing_a_report_with_none_on_file(registry):
    check = annual_report_check(year=2023, run_on=D(2024, 6, 1))
    listed = set(ListEntry.objects.filter(kind="abnormal").values_list("organisation__name", flat=True))
    assert listed == {"逾期报送协会", "未报送协会"}
    assert check.listed == 2 and check.flagged == 0
    entry = ListEntry.objects.get(organisation=registry["missing"])
    assert entry.listed_on == D(2024, 6, 1) and entry.missing_report_year == 2023
    assert "2023 年度工作报告" in entry.reason


def test_running_the_check_again_adds_nothing(registry):
    annual_report_check(year=2023, run_on=D(2024, 6, 1))
    annual_report_check(year=2023, run_on=D(2024, 6, 2))
    assert ListEntry.objects.count() == 2
    assert AnnualReportCheck.objects.get(year=2023).listed == 2


def test_the_check_refuses_to_run_before_the_due_date_has_passed(registry):
    with pytest.raises(ReportCheckTooEarly):
        annual_report_check(year=2023, run_on=D(2024, 5, 31))
    assert not ListEntry.objects.exists()


def test_a_late_report_takes_the_organisation_off_the_list_with_the_reason(registry, staff):
    annual_report_check(year=2023, run_on=D(2024, 6, 1))
    annual_report_record(user=staff, organisation=registry["late"], year=2023, submitted_on=D(2024, 7, 15))
    entry = ListEntry.objects.get(organisation=registry["late"])
    assert entry.removed_on is not None and "已补报 2023 年度工作报告" in entry.removal_reason
    assert ListEntry.objects.get(organisation=registry["missing"]).removed_on is None


def test_two_full_years_on_the_list_propose_the_dishonesty_list_public_only_once_decided(registry, staff, client):
    annual_report_record(user=staff, organisation=registry["on_time"], year=2022, submitted_on=D(2023, 4, 1))
    annual_report_check(year=2022, run_on=D(2023, 6, 1))  # lists 逾期报送协会 and 已注销协会 (2022 missing)
    annual_report_check(year=2023, run_on=D(2024, 6, 1))
    assert not ListEntry.objects.filter(kind="dishonest").exists()
    annual_report_check(year=2024, run_on=D(2025, 6, 1))
    proposed = ListEntry.objects.filter(kind="dishonest")
    # 逾期报送协会 and 已注销协会 were listed on 2023-06-01; the second was deregistered on 2024-03-01,
    # so only the first, still registered two full years later, is proposed.
    assert set(proposed.values_list("organisation__name", flat=True)) == {"逾期报送协会"}
    public = client.get("/api/v1/orgs/dishonest-list/").json()
    assert public["count"] == 0  # proposed, not decided: not public
    list_entry_confirm(user=staff, entry=proposed.get(), confirmed_on=D(2025, 6, 20))
    public = client.get("/api/v1/orgs/dishonest-list/").json()
    assert [e["name"] for e in public["results"]] == ["逾期报送协会"]


def test_the_public_abnormal_list_answers_without_login_and_carries_no_personal_data(registry, client):
    annual_report_check(year=2023, run_on=D(2024, 6, 1))
    response = client.get("/api/v1/orgs/abnormal-list/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {r["name"] for r in rows} == {"逾期报送协会", "未报送协会"}
    assert set(rows[0]) == {"id", "organisation", "name", "credit_code", "township", "township_name", "listed_on",
                            "decided_on", "reason", "removed_on", "updated_at"}  # fmt: skip
    assert {r["removed_on"] for r in rows} == {None}  # without ?updated_since= only the entries on the list now
    page = client.get("/orgs/public/abnormal/")
    assert page.status_code == 200 and "未报送协会" in page.content.decode()


def test_the_celery_task_checks_last_year_as_of_today(registry):
    result = annual_report_check_task.apply(kwargs={"year": 2023}).get()
    assert result == {"year": 2023, "listed": 2, "flagged": 0}


def test_a_report_for_a_year_not_owed_or_twice_is_refused(registry, staff):
    with pytest.raises(ValidationError) as exc:
        annual_report_record(user=staff, organisation=registry["young"], year=2023, submitted_on=D(2024, 3, 1))
    assert "免报" in str(exc.value.message_dict["year"])
    with pytest.raises(ValidationError) as exc:
        annual_report_record(user=staff, organisation=registry["on_time"], year=2023, submitted_on=D(2024, 3, 1))
    assert "已录入" in str(exc.value.message_dict["year"])


def test_a_report_submitted_before_its_year_ended_is_refused(registry, staff):
    response = api(staff).post(
        "/api/v1/orgs/annual-reports/",
        {"organisation": registry["late"].pk, "year": 2023, "submitted_on": "2023-12-01"},
        format="json",
    )
    assert response.status_code == 400 and "submitted_on" in response.json()


def test_a_township_officer_cannot_set_the_review_result_through_the_service_or_the_api(registry, officer):
    with pytest.raises(ValidationError) as exc:
        annual_report_record(
            user=officer, organisation=registry["late"], year=2023, submitted_on=D(2024, 5, 1), result="passed"
        )
    assert "审查结论" in str(exc.value.message_dict["result"])
    response = api(officer).post(
        "/api/v1/orgs/annual-reports/",
        {"organisation": registry["late"].pk, "year": 2023, "submitted_on": "2024-05-01", "result": "passed"},
        format="json",
    )
    assert response.status_code == 400 and "result" in response.json()
    assert not AnnualReport.objects.filter(organisation=registry["late"]).exists()
    made = api(officer).post(
        "/api/v1/orgs/annual-reports/",
        {"organisation": registry["late"].pk, "year": 2023, "submitted_on": "2024-05-01"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["result"] == "pending"


def test_only_a_reviewer_reviews_a_report_through_the_api(registry, officer, staff, schema):
    report = annual_report_record(user=officer, organisation=registry["late"], year=2023, submitted_on=D(2024, 5, 1))
    url = f"/api/v1/orgs/annual-reports/{report.pk}/review/"
    refused = api(officer).post(url, {"result": "passed"}, format="json")
    assert refused.status_code in (400, 403)
    report.refresh_from_db()
    assert report.result == "pending"
    reviewed = api(staff).post(url, {"result": "basic", "note": "财务报表不全"}, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    check(schema, "/api/v1/orgs/annual-reports/{id}/review/", "post", "200", reviewed.json())
    report.refresh_from_db()
    assert (report.result, report.note) == ("basic", "财务报表不全")
    with pytest.raises(ValidationError):
        annual_report_review(user=officer, report=report, result="passed")


def test_a_report_for_a_year_after_the_organisation_was_deregistered_is_refused(registry, staff):
    gone = registry["gone"]  # deregistered on 2024-03-01
    with pytest.raises(ValidationError) as exc:
        annual_report_record(user=staff, organisation=gone, year=2025, submitted_on=D(2026, 1, 10))
    assert "不在册" in str(exc.value.message_dict["year"])
    # The year it was deregistered in is still its own.
    annual_report_record(user=staff, organisation=gone, year=2024, submitted_on=D(2025, 1, 10))
    assert set(AnnualReport.objects.filter(organisation=gone).values_list("year", flat=True)) == {2024}
