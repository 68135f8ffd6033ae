"""Indicators 7 (eco burial share) and 8 (a county-level public-welfare cemetery or ash hall) from a
known data set."""

import datetime
from decimal import Decimal

import pytest

from funeral.models import Facility, Placement
from funeral.services.placements import PlacementInput
from indicators.providers import PROVIDERS, NoData
from tests.factories import HONGLAI, SHUITOU

D = datetime.date


@pytest.fixture
def placements(record_for, honglai, shuitou, county_hall, shuitou_cemetery):
    """2024: Honglai 3 hall niches + 1 sea burial; Shuitou 1 tree + 1 traditional grave; and one
    placement in 2023 and one placed on 2024-12-31 by a death in December."""

    def place(township, form, day, facility=None):
        return record_for(
            None, township=township, died=day - datetime.timedelta(days=3), cremated=day - datetime.timedelta(days=2),
            placement=PlacementInput(form=form, placed_on=day, facility=facility),
        )  # fmt: skip

    for month in (1, 2, 3):
        place(honglai, Placement.Form.HALL_NICHE, D(2024, month, 10), county_hall)
    place(honglai, Placement.Form.SEA, D(2024, 5, 10))
    place(shuitou, Placement.Form.TREE, D(2024, 6, 10), shuitou_cemetery)
    place(shuitou, Placement.Form.TRADITIONAL, D(2024, 12, 31), shuitou_cemetery)
    place(shuitou, Placement.Form.TRADITIONAL, D(2023, 7, 1), shuitou_cemetery)


def test_indicator_7_is_eco_placements_over_all_placements_in_the_year(placements):
    actual = PROVIDERS[7](2024, D(2026, 1, 15))
    assert actual.value == Decimal("83.33")  # 5 / 6
    assert (actual.numerator, actual.denominator) == (Decimal(5), Decimal(6))
    breakdown = {row["label"]: row["count"] for row in actual.detail["breakdown"]}
    assert breakdown == {"骨灰楼堂存放": "3", "海葬": "1", "树葬": "1", "传统墓葬": "1"}
    assert actual.detail["by_township"] == {
        HONGLAI: {"numerator": "4", "denominator": "4", "value": "100.00"},
        SHUITOU: {"numerator": "1", "denominator": "2", "value": "50.00"},
    }
    assert actual.detail["link"] == "/funeral/placements/?year=2024"
    import json

    json.dumps(actual.detail)  # stored in the snapshot as JSON


def test_indicator_7_counts_only_up_to_as_of_in_the_current_year(placements):
    actual = PROVIDERS[7](2024, D(2024, 3, 31))
    assert (actual.numerator, actual.denominator, actual.value) == (Decimal(3), Decimal(3), Decimal("100.00"))


def test_indicator_7_has_no_data_for_a_year_without_placements(placements):
    with pytest.raises(NoData):
        PROVIDERS[7](2022, D(2026, 1, 1))


def test_indicator_7_runs_in_two_queries(placements, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        PROVIDERS[7](2024, D(2026, 1, 1))


def test_indicator_8_is_100_with_a_county_public_welfare_facility_operating_at_year_end(county_hall):
    actual = PROVIDERS[8](2024, D(2026, 1, 1))
    assert actual.value == Decimal(100)
    assert actual.detail["facilities"] == [{"name": "南安市公益性骨灰楼堂", "kind": "骨灰楼堂"}]


def test_indicator_8_is_0_when_the_county_facility_closed_or_had_not_opened(
    county_hall, shuitou_cemetery, funeral_home
):
    # A township cemetery and the funeral home do not count.
    county_hall.closed_on, county_hall.status = D(2023, 6, 30), Facility.Status.CLOSED
    county_hall.save()
    assert PROVIDERS[8](2024, D(2026, 1, 1)).value == Decimal(0)
    assert PROVIDERS[8](2022, D(2026, 1, 1)).value == Decimal(100)  # still open at the end of 2022
    assert PROVIDERS[8](2011, D(2026, 1, 1)).value == Decimal(0)  # opened in 2012


def test_indicator_8_in_the_current_year_looks_at_as_of(county_hall):
    county_hall.opened_on = D(2025, 6, 1)
    county_hall.save()
    assert PROVIDERS[8](2025, D(2025, 3, 1)).value == Decimal(0)
    assert PROVIDERS[8](2025, D(2025, 7, 1)).value == Decimal(100)


def test_a_recompute_stores_the_funeral_indicators(placements, staff):
    from indicators.models import RecomputeRun, Snapshot
    from indicators.services.recompute import recompute_run

    run = RecomputeRun.objects.create(year=2024, as_of=D(2024, 12, 31), requested_by=staff)
    recompute_run(run)
    snap = Snapshot.objects.get(run=run, indicator__no=7)
    assert snap.value == Decimal("83.33") and snap.detail["breakdown"]
