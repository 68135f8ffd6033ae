from decimal import Decimal

from indicators.models import Indicator, RecomputeRun, YearApproval
from indicators.providers import PROVIDERS, Actual, register
from indicators.selectors import indicator_values
from indicators.services.recompute import recompute_run


def _run_with(value, staff):
    saved = dict(PROVIDERS)
    PROVIDERS.clear()
    register(7)(lambda year, as_of: Actual(Decimal(value)))
    try:
        return recompute_run(RecomputeRun.objects.create(year=2022, as_of="2022-12-31", requested_by=staff))
    finally:
        PROVIDERS.clear()
        PROVIDERS.update(saved)


def test_recomputing_an_approved_year_makes_a_draft_and_replaces_nothing_until_approved(staff, client_for):
    _run_with("98.5", staff)
    client = client_for(staff)
    approved = client.post("/api/v1/indicators/approvals/", {"year": 2022}, content_type="application/json")
    assert approved.status_code == 201
    _run_with("97.0", staff)  # a later recompute
    row = next(r for r in indicator_values(Indicator.objects.get(no=7)) if r["year"] == 2022)
    assert (row["actual"], row["draft"], row["approved_by"]) == (Decimal("98.50"), Decimal("97.00"), str(staff))
    client.post("/api/v1/indicators/approvals/", {"year": 2022}, content_type="application/json")
    row = next(r for r in indicator_values(Indicator.objects.get(no=7)) if r["year"] == 2022)
    assert (row["actual"], row["draft"]) == (Decimal("97.00"), None)
    assert YearApproval.objects.filter(year=2022).count() == 2


def test_a_year_without_a_complete_run_cannot_be_approved(staff, client_for):
    response = client_for(staff).post("/api/v1/indicators/approvals/", {"year": 2021}, content_type="application/json")
    assert response.status_code == 400 and "year" in response.json()


def test_leaders_cannot_approve(leader, client_for):
    assert (
        client_for(leader)
        .post("/api/v1/indicators/approvals/", {"year": 2022}, content_type="application/json")
        .status_code
        == 403
    )
