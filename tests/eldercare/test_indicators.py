"""Indicators 2 (nursing-bed share), 3 (nursing beds per 1000 older people) and 4 (townships with a
facility offering all three functions) from known data: dated bed counts, a closed institution,
the current year as of a day."""

import datetime
import json
from decimal import Decimal

import pytest

from core.models import Division
from indicators.models import BaseStatistic
from indicators.providers import PROVIDERS, NoData
from tests.factories import HONGLAI, SHUITOU

D = datetime.date
YEAR_END = D(2026, 1, 15)  # as_of after the year: the year's 31 December counts


@pytest.fixture
def beds(make_institution, honglai, shuitou):
    """31 Dec 2024: A (洪濑, public) 100 beds / 60 nursing (a 2025 count does not count for 2024);
    B (水头, private) 50 / 20; C (水头) closed on 31 Dec 2024: out; D opens in 2025: out."""
    a = make_institution(
        ownership="public", beds=[(D(2022, 12, 31), 80, 30), (D(2024, 6, 30), 100, 60), (D(2025, 3, 1), 120, 90)]
    )
    b = make_institution(township=shuitou, beds=[(D(2023, 12, 31), 50, 20)])
    c = make_institution(township=shuitou, beds=[(D(2020, 1, 1), 40, 40)])
    c.closed_on, c.status = D(2024, 12, 31), "closed"
    c.save()
    make_institution(opened_on=D(2025, 2, 1), beds=[(D(2025, 2, 1), 30, 30)])
    return a, b, c


def test_indicator_2_is_nursing_over_all_beds_in_institutions_operating_at_year_end(beds):
    actual = PROVIDERS[2](2024, YEAR_END)
    assert (actual.numerator, actual.denominator) == (Decimal(80), Decimal(150))
    assert actual.value == Decimal("53.33")
    assert actual.detail["by_township"] == {
        HONGLAI: {"numerator": "60", "denominator": "100", "value": "60.00"},
        SHUITOU: {"numerator": "20", "denominator": "50", "value": "40.00"},
    }
    assert sum(int(r["count"]) for r in actual.detail["breakdown"]) == 80
    assert actual.detail["link"] == "/eldercare/institutions/?operating_on=2024-12-31"
    json.dumps(actual.detail)


def test_a_closed_institution_leaves_the_year_end_figures_from_its_closing_day(beds):
    # C closed on 31 Dec 2024: "not closed on or before it" → out of 2024, still in 2023.
    assert PROVIDERS[2](2024, YEAR_END).denominator == Decimal(150)
    actual_2023 = PROVIDERS[2](2023, YEAR_END)
    assert (actual_2023.numerator, actual_2023.denominator) == (Decimal(30 + 20 + 40), Decimal(80 + 50 + 40))


def test_in_the_current_year_the_figures_are_as_of_the_day(beds):
    actual = PROVIDERS[2](2025, D(2025, 2, 15))
    # A's 2024-06 count (the 2025-03 one is later), B, and D opened on 2025-02-01.
    assert (actual.numerator, actual.denominator) == (Decimal(60 + 20 + 30), Decimal(100 + 50 + 30))
    later = PROVIDERS[2](2025, D(2025, 12, 31))
    assert (later.numerator, later.denominator) == (Decimal(90 + 20 + 30), Decimal(120 + 50 + 30))


def test_indicator_2_has_no_data_without_beds(db):
    with pytest.raises(NoData):
        PROVIDERS[2](2024, YEAR_END)


def test_indicator_3_divides_nursing_beds_by_the_60_plus_population_in_thousands(beds):
    BaseStatistic.objects.create(year=2024, population_60_plus=16_000)
    actual = PROVIDERS[3](2024, YEAR_END)
    assert actual.numerator == Decimal(80)
    assert actual.denominator == Decimal("16.000")
    assert actual.value == Decimal("5.00")
    assert actual.detail["by_township"][HONGLAI]["numerator"] == "60"
    assert sum(int(r["count"]) for r in actual.detail["breakdown"]) == 80


def test_indicator_3_asks_for_the_population_when_it_is_missing(beds):
    with pytest.raises(NoData, match="60岁及以上人口"):
        PROVIDERS[3](2024, YEAR_END)


def test_indicators_2_and_3_run_in_a_fixed_number_of_queries(beds, django_assert_max_num_queries):
    BaseStatistic.objects.create(year=2024, population_60_plus=16_000)
    with django_assert_max_num_queries(1):
        PROVIDERS[2](2024, YEAR_END)
    with django_assert_max_num_queries(2):
        PROVIDERS[3](2024, YEAR_END)


@pytest.fixture
def coverage(make_institution, make_facility, honglai, shuitou):
    """洪濑: an institution with all three functions; 水头: a centre with all three that closed in
    2024-06, and a day-care centre without full-time care; 官桥: a centre opening in 2025."""
    make_institution(full_time_care=True, day_care=True, home_visits=True)
    make_facility(township=shuitou, full_time_care=True, day_care=True, home_visits=True, closed_on=D(2024, 6, 30),
                  status="closed")  # fmt: skip
    make_facility(township=shuitou, kind="day_care", day_care=True, home_visits=True)
    make_facility(
        township=Division.objects.get(code="350583118"), full_time_care=True, day_care=True, home_visits=True,
        opened_on=D(2025, 5, 1),
    )  # fmt: skip


def test_indicator_4_counts_townships_with_an_operating_facility_offering_all_three_functions(coverage):
    townships = Division.objects.filter(level="township", in_plan=True).count()
    assert townships == 26
    actual = PROVIDERS[4](2024, YEAR_END)
    assert (actual.numerator, actual.denominator) == (Decimal(1), Decimal(26))
    assert actual.value == Decimal("3.85")
    assert actual.detail["covered"] == ["洪濑镇"]
    assert "水头镇" in actual.detail["uncovered"]
    assert sum(int(r["count"]) for r in actual.detail["breakdown"]) == 1
    assert actual.detail["by_township"][SHUITOU]["numerator"] == "0"
    # In 2023 水头's centre was still open; in 2025 官桥's had opened.
    assert PROVIDERS[4](2023, YEAR_END).numerator == Decimal(2)
    assert PROVIDERS[4](2025, D(2025, 12, 31)).detail["covered"] == ["洪濑镇", "官桥镇"]


def test_indicator_4_runs_in_a_fixed_number_of_queries(coverage, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        PROVIDERS[4](2024, YEAR_END)


def test_a_recompute_stores_indicators_2_to_4(beds, coverage, staff):
    from indicators.models import RecomputeRun, Snapshot
    from indicators.services.recompute import recompute_run

    BaseStatistic.objects.create(year=2024, population_60_plus=16_000)
    run = RecomputeRun.objects.create(year=2024, as_of=D(2024, 12, 31), requested_by=staff)
    recompute_run(run)
    values = dict(Snapshot.objects.filter(run=run, indicator__no__in=[2, 3, 4]).values_list("indicator__no", "value"))
    assert values[2] is not None and values[3] == Decimal("5.00") and values[4] is not None
