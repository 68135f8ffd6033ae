from datetime import date
from decimal import Decimal

from django.urls import reverse

from indicators.models import Indicator, RecomputeRun, Snapshot


def _done_snapshot(no, year, value):
    run = RecomputeRun.objects.create(year=year, as_of=date(year, 12, 31), state=RecomputeRun.State.DONE)
    Snapshot.objects.create(run=run, indicator_id=no, year=year, value=value, computed_at="2026-01-01T00:00:00Z")


def test_dashboard_shows_13_tiles_binding_and_missed_first(leader, client_for):
    _done_snapshot(2, 2023, Decimal("50"))  # binding, target 58: missed
    _done_snapshot(8, 2023, Decimal("100"))  # binding, target 100: met
    page = client_for(leader).get(reverse("indicators:dashboard"), {"year": 2023})
    assert page.status_code == 200
    tiles = page.context["tiles"]
    assert len(tiles) == 13
    assert [t["indicator"].no for t in tiles[:3]] == [2, 8, 9]
    assert tiles[0]["row"]["status"] == "missed"
    assert all(t["indicator"].attribute == "expected" for t in tiles[3:])


def test_indicator_page_carries_chart_data(leader, client_for):
    page = client_for(leader).get(reverse("indicators:detail", args=[2]))
    assert page.status_code == 200
    assert page.context["chart"]["targets"] == [None, 56.0, 57.0, 58.0, 59.0, 60.0]
    assert b'id="chart-data"' in page.content


def test_staff_button_starts_a_recompute_and_leaders_have_none(
    staff, leader, client_for, django_capture_on_commit_callbacks
):
    assert b"recompute" not in client_for(leader).get(reverse("indicators:dashboard")).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(reverse("indicators:recompute") + "?year=2024")
    assert response.status_code == 302
    run = RecomputeRun.objects.get()
    assert (run.year, run.state, run.snapshots.count()) == (2024, "done", Indicator.objects.count())
    assert client_for(leader).post(reverse("indicators:recompute")).status_code == 403


def test_staff_approves_a_year_from_the_dashboard(staff, client_for):
    run = RecomputeRun.objects.create(year=2024, as_of=date(2024, 12, 31), state=RecomputeRun.State.DONE)
    client = client_for(staff)
    response = client.post(reverse("indicators:approve") + "?year=2024")
    assert response.status_code == 302
    page = client.get(reverse("indicators:dashboard"), {"year": 2024})
    assert page.context["approval"].run == run and page.context["approval"].approved_by == staff


def test_staff_enter_a_manual_value_on_the_indicator_page(staff, client_for):
    client = client_for(staff)
    response = client.post(
        reverse("indicators:manual_value", args=[13]),
        {"year": 2025, "value": "100", "source": "省民政厅通报", "reason": "无系统来源", "use_it": "on"},
    )
    assert response.status_code == 302
    page = client.get(reverse("indicators:detail", args=[13]))
    row = next(r for r in page.context["rows"] if r["year"] == 2025)
    assert (row["actual"], row["source"]) == (Decimal("100.00"), "manual")
