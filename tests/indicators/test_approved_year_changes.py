"""An approved year's figures cannot be changed behind its approval: a manual value or a choice of
source entered for the year afterwards voids the approval (who, when, what is recorded on it), and
the API and the dashboard show the year as needing approval again until someone approves it anew."""

from decimal import Decimal

from django.urls import reverse

from indicators.models import Indicator, RecomputeRun, YearApproval
from indicators.providers import PROVIDERS, Actual, register
from indicators.services.recompute import recompute_run


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def _approved_2025(staff, client):
    """Indicator 1 computed at 45 for 2025 by a run `staff` started, then approved by `staff`."""
    saved = dict(PROVIDERS)
    PROVIDERS.clear()
    register(1)(lambda year, as_of: Actual(Decimal("45")))
    try:
        recompute_run(RecomputeRun.objects.create(year=2025, as_of="2025-12-31", requested_by=staff))
    finally:
        PROVIDERS.clear()
        PROVIDERS.update(saved)
    assert post(client, "/api/v1/indicators/approvals/", {"year": 2025}).status_code == 201


def _row(client, year=2025, no=1):
    return next(r for r in client.get(f"/api/v1/indicators/{no}/").json()["values"] if r["year"] == year)


def test_a_manual_value_and_a_choice_for_an_approved_year_void_its_approval_until_approved_again(staff, client_for):
    client = client_for(staff)
    _approved_2025(staff, client)
    assert (_row(client)["approved_by"], _row(client)["needs_reapproval"]) == (str(staff), False)
    entered = post(
        client,
        "/api/v1/indicators/1/manual-values/",
        {"year": 2025, "value": "44.80", "source": "统计公报", "reason": "口径调整"},
    )
    assert entered.status_code == 200
    row = next(r for r in entered.json()["values"] if r["year"] == 2025)
    assert (row["approved_by"], row["approved_at"], row["needs_reapproval"]) == ("", None, True)
    approval = YearApproval.objects.get(year=2025)
    assert (approval.in_force, approval.voided_by) == (False, staff)
    assert "44.80" in approval.void_reason
    listed = client.get("/api/v1/indicators/approvals/", {"year": 2025}).json()
    listed = listed.get("results", listed)
    assert [(a["in_force"], a["voided_by"]) for a in listed] == [(False, str(staff))]

    assert post(client, "/api/v1/indicators/approvals/", {"year": 2025}).status_code == 201  # approved again
    assert (_row(client)["approved_by"], _row(client)["needs_reapproval"]) == (str(staff), False)
    chosen = post(client, "/api/v1/indicators/1/choice/", {"year": 2025, "source": "manual", "reason": "采用公报数"})
    assert chosen.status_code == 200
    row = next(r for r in chosen.json()["values"] if r["year"] == 2025)
    assert (row["actual"], row["source"], row["approved_by"], row["needs_reapproval"]) == (44.8, "manual", "", True)
    assert [a.in_force for a in YearApproval.objects.filter(year=2025).order_by("pk")] == [False, False]
    # Every indicator of the year shows it: the approval was of the year, not of one indicator.
    assert (_row(client, no=7)["approved_by"], _row(client, no=7)["needs_reapproval"]) == ("", True)


def test_a_manual_value_for_another_year_leaves_the_approval_in_force(staff, client_for):
    client = client_for(staff)
    _approved_2025(staff, client)
    post(client, "/api/v1/indicators/1/manual-values/", {"year": 2024, "value": "45", "source": "x", "reason": "y"})
    assert YearApproval.objects.get(year=2025).in_force
    assert _row(client)["approved_by"] == str(staff)


def test_the_dashboard_shows_a_voided_approval_as_needing_approval_again(staff, leader, client_for):
    client = client_for(staff)
    _approved_2025(staff, client)
    post(client, "/api/v1/indicators/1/manual-values/", {"year": 2025, "value": "46", "source": "x", "reason": "y"})
    post(client, "/api/v1/indicators/1/choice/", {"year": 2025, "source": "manual", "reason": "y"})
    page = client_for(leader).get(reverse("indicators:dashboard"), {"year": 2025})
    assert not page.context["approval"].in_force
    tile = next(t for t in page.context["tiles"] if t["indicator"].no == 1)
    assert (tile["row"]["actual"], tile["row"]["approved_by"], tile["row"]["needs_reapproval"]) == (
        Decimal("46"),
        "",
        True,
    )
    html = page.content.decode()
    assert "批准已失效" in html and "已批准：" not in html
    detail = client_for(leader).get(reverse("indicators:detail", args=[Indicator.objects.get(no=1).no]))
    assert "批准已失效，需重新批准" in detail.content.decode()


def test_a_voided_year_keeps_showing_its_approved_figures_beside_a_newer_draft(staff, client_for):
    """Found by review: once voided, the year fell back to its latest run, so one manual value on one
    indicator switched all 13 to a recompute nobody had approved."""
    client = client_for(staff)
    _approved_2025(staff, client)
    saved = dict(PROVIDERS)
    PROVIDERS.clear()
    register(1)(lambda year, as_of: Actual(Decimal("50")))  # a newer recompute: a draft
    try:
        recompute_run(RecomputeRun.objects.create(year=2025, as_of="2025-12-31", requested_by=staff))
    finally:
        PROVIDERS.clear()
        PROVIDERS.update(saved)
    assert (_row(client)["actual"], _row(client)["draft"]) == (45, 50)
    post(
        client, "/api/v1/indicators/2/manual-values/", {"year": 2025, "value": "10", "source": "统计", "reason": "补录"}
    )
    row = _row(client)
    assert (row["actual"], row["draft"], row["approved_by"], row["needs_reapproval"]) == (45, 50, "", True)
