from datetime import date
from decimal import Decimal

import pytest

from indicators.models import RecomputeRun, Snapshot
from indicators.providers import PROVIDERS, Actual, NoData, ratio, register
from indicators.services.recompute import recompute_request, recompute_run


@pytest.fixture
def providers():
    """Providers for a known data set (the real ones arrive with their apps)."""
    saved = dict(PROVIDERS)
    PROVIDERS.clear()

    @register(7)
    def eco(year, as_of):
        return Actual(ratio(983, 1000), Decimal(983), Decimal(1000), note=f"placements in {year}")

    @register(9)
    def broken(year, as_of):
        raise ZeroDivisionError("division by zero")

    @register(10)
    def missing(year, as_of):
        raise NoData("2021年的社会组织登记数据尚未录入。")

    yield
    PROVIDERS.clear()
    PROVIDERS.update(saved)


def test_a_run_writes_one_snapshot_per_indicator_and_isolates_a_failing_provider(staff, providers):
    run = recompute_run(RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), requested_by=staff))
    assert run.state == RecomputeRun.State.DONE
    snapshots = {s.indicator_id: s for s in run.snapshots.all()}
    assert len(snapshots) == 13
    assert (snapshots[7].value, snapshots[7].numerator, snapshots[7].denominator) == (Decimal("98.30"), 983, 1000)
    assert snapshots[7].error == ""
    assert "ZeroDivisionError" in snapshots[9].error and snapshots[9].value is None
    assert snapshots[10].error == "2021年的社会组织登记数据尚未录入。"
    assert "人工值" in snapshots[13].error  # no provider: a manual value is needed


def test_the_same_request_while_one_is_queued_does_not_start_a_second_run(staff, providers):
    first, created = recompute_request(user=staff, year=2021)
    again, created_again = recompute_request(user=staff, year=2021)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert RecomputeRun.objects.count() == 1


def test_recompute_api_answers_202_with_a_status_url(staff, client_for, providers, django_capture_on_commit_callbacks):
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: the task runs on commit
        response = client.post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    status = client.get(body["status_url"]).json()
    assert status["status"] == "done" and status["job"] == body["job"]
    assert Snapshot.objects.filter(run_id=int(body["job"])).count() == 13


def test_leaders_cannot_start_a_recompute(leader, client_for):
    assert (
        client_for(leader)
        .post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_future_year_is_refused(staff, client_for):
    response = client_for(staff).post("/api/v1/indicators/recompute/", {"year": 2099}, content_type="application/json")
    assert response.status_code == 400 and "year" in response.json()
