from datetime import date
from decimal import Decimal

import pytest

from indicators.models import Indicator, RecomputeRun, Snapshot, ValueChoice
from indicators.selectors import indicator_values
from indicators.status import BEHIND, MET, MISSED, ON_TRACK, linear_projection, status_for

D = Decimal


@pytest.mark.parametrize(
    ("year", "actual", "expected"),
    [(2021, D("56"), MET), (2021, D("55.9"), MISSED), (2023, D("58.5"), MET)],
)
def test_past_years_are_met_or_missed_against_their_target(year, actual, expected):
    assert (
        status_for(
            year=year,
            current_year=2024,
            actual=actual,
            target=D("56") if year == 2021 else D("58"),
            history={},
            final_target=D("60"),
        )
        == expected
    )


def test_current_year_below_target_is_on_track_when_the_trend_reaches_2025():
    history = {2020: D("34.2"), 2021: D("50"), 2022: D("54")}
    assert (
        status_for(year=2023, current_year=2023, actual=D("57"), target=D("58"), history=history, final_target=D("60"))
        == ON_TRACK
    )
    flat = {2020: D("50"), 2021: D("50.5"), 2022: D("51")}
    assert (
        status_for(year=2023, current_year=2023, actual=D("51.2"), target=D("58"), history=flat, final_target=D("60"))
        == BEHIND
    )


def test_linear_projection_of_a_straight_line_is_exact():
    assert linear_projection({2020: D("10"), 2021: D("12"), 2022: D("14")}) == D("20.00")
    assert linear_projection({2021: D("5")}) is None


def _snapshot(indicator, year, value, error=""):
    run = RecomputeRun.objects.create(year=year, as_of=date(year, 12, 31), state=RecomputeRun.State.DONE)
    return Snapshot.objects.create(
        run=run,
        indicator=indicator,
        year=year,
        value=value,
        numerator=value,
        denominator=100,
        computed_at="2026-01-01T00:00:00Z",
        error=error,
    )


def test_a_manual_value_never_silently_overrides_a_computed_one(staff, client_for):
    indicator = Indicator.objects.get(no=7)
    _snapshot(indicator, 2021, D("98.30"))
    client = client_for(staff)
    response = client.post(
        "/api/v1/indicators/7/manual-values/",
        {"year": 2021, "value": "97.1", "source": "殡仪馆台账", "reason": "核对"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    row = next(v for v in response.json()["values"] if v["year"] == 2021)
    assert (row["actual"], row["source"], row["computed"], row["manual"]) == (98.3, "computed", 98.3, 97.1)
    chosen = client.post(
        "/api/v1/indicators/7/choice/",
        {"year": 2021, "source": "manual", "reason": "系统数据不全"},
        content_type="application/json",
    )
    row = next(v for v in chosen.json()["values"] if v["year"] == 2021)
    assert (row["actual"], row["source"], row["status"]) == (97.1, "manual", "missed")  # 2021 target 98.2
    assert ValueChoice.objects.get().chosen_by == staff


def test_indicator_13_takes_a_manual_value(staff, client_for):
    client_for(staff).post(
        "/api/v1/indicators/13/manual-values/",
        {"year": 2025, "value": "100", "source": "省厅通报", "reason": "无系统来源"},
        content_type="application/json",
    )
    rows = {r["year"]: r for r in indicator_values(Indicator.objects.get(no=13), today=date(2025, 12, 31))}
    assert (rows[2025]["actual"], rows[2025]["source"], rows[2025]["status"]) == (D("100"), "manual", MET)


def test_leader_reads_values_but_cannot_enter_them(leader, client_for):
    client = client_for(leader)
    data = client.get("/api/v1/indicators/2/").json()
    assert [v["year"] for v in data["values"]] == [2020, 2021, 2022, 2023, 2024, 2025]
    assert data["values"][0]["actual"] == 34.2 and data["values"][0]["source"] == "baseline"
    refused = client.post(
        "/api/v1/indicators/2/manual-values/",
        {"year": 2021, "value": "1", "source": "x", "reason": "y"},
        content_type="application/json",
    )
    assert refused.status_code == 403
