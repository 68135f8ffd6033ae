"""Indicators 5, 10, 11 and 12 for a known data set: the values, their numerators and denominators,
and breakdowns that add up to them."""

import datetime
from decimal import Decimal

import pytest

from core.models import Division
from indicators.models import BaseStatistic
from indicators.providers import PROVIDERS, NoData
from orgs.models import CommunityFacility, SocialWorker
from orgs.services.organisations import organisation_change_status
from tests.factories import HONGLAI, SHUITOU, PersonFactory

D = datetime.date
YEAR_END = D(2024, 12, 31)


@pytest.fixture
def base_2024(db):
    return BaseStatistic.objects.create(year=2024, resident_population=1_000_000, households=300_000)


def compute(no, year=2024):
    return PROVIDERS[no](year, D(2026, 1, 1))


def test_indicator_10_counts_organisations_standing_on_31_december(make_org, staff):
    make_org(registered_on=D(2020, 1, 1))
    make_org(org_type="social_service_agency", registered_on=D(2024, 12, 31))  # registered on the day: counts
    make_org(registered_on=D(2025, 1, 1))  # next year
    gone = make_org(registered_on=D(2019, 1, 1))
    organisation_change_status(user=staff, organisation=gone, status="deregistered", changed_on=YEAR_END)
    later = make_org(registered_on=D(2019, 1, 1))
    organisation_change_status(user=staff, organisation=later, status="revoked", changed_on=D(2025, 1, 2), reason="x")
    actual = compute(10)
    assert actual.value == Decimal(3) and actual.numerator == Decimal(3)
    assert sum(int(b["count"]) for b in actual.detail["breakdown"]) == 3
    assert {b["type"]: b["count"] for b in actual.detail["breakdown"]} == {
        "association": "2",
        "social_service_agency": "1",
    }
    assert sum(int(t["numerator"]) for t in actual.detail["by_township"].values()) == 3
    assert "standing_on=2024-12-31" in actual.detail["link"]


def test_indicator_11_counts_each_certified_person_once_per_thousand_residents(base_2024):
    people = PersonFactory.create_batch(4)
    SocialWorker.objects.create(
        person=people[0], level="assistant", certificate_no="A1", certified_year=2019, township_id=HONGLAI
    )
    SocialWorker.objects.create(
        person=people[0], level="social_worker", certificate_no="A2", certified_year=2022, township_id=HONGLAI
    )
    SocialWorker.objects.create(
        person=people[1], level="assistant", certificate_no="A3", certified_year=2024, township_id=SHUITOU
    )
    SocialWorker.objects.create(
        person=people[2],
        level="assistant",
        certificate_no="A4",
        certified_year=2020,
        township_id=HONGLAI,
        left_on=D(2024, 6, 1),
    )  # left before year end
    SocialWorker.objects.create(
        person=people[3], level="senior", certificate_no="A5", certified_year=2025, township_id=HONGLAI
    )
    actual = compute(11)
    assert actual.numerator == Decimal(2) and actual.denominator == Decimal(1_000_000)
    assert actual.value == Decimal("0.00")  # 2 / 1,000,000 × 1000 = 0.002 → 0.00 at two places
    assert {b["level"]: b["count"] for b in actual.detail["breakdown"]} == {"assistant": "1", "social_worker": "1"}


def test_indicator_11_asks_for_the_population_when_it_is_missing(db):
    with pytest.raises(NoData, match="常住人口"):
        compute(11)


def _facility(village, name, area, start, end=None, station=None):
    return CommunityFacility.objects.create(
        village=village, township_id=village.parent_id, name=name, floor_area_m2=Decimal(area), in_use_from=start,
        in_use_to=end, volunteer_station_since=station,
    )  # fmt: skip


@pytest.fixture
def facilities(db):
    villages = list(Division.objects.filter(level="village", parent_id=HONGLAI).order_by("code")[:2])
    if len(villages) < 2:
        villages = [
            Division.objects.create(
                code=f"{HONGLAI}{200 + i}", name=f"测试村{i}", level="village", kind="village", parent_id=HONGLAI
            )
            for i in range(2)
        ]
    a, b = villages
    _facility(a, "一号", "600.00", D(2015, 1, 1), station=D(2021, 5, 1))
    _facility(a, "二号", "300.50", D(2024, 12, 31))  # in use from the last day: counts
    _facility(b, "三号", "450.00", D(2010, 1, 1), end=D(2024, 12, 31), station=D(2020, 1, 1))  # closed on the day
    _facility(b, "四号", "99.50", D(2018, 1, 1), station=D(2025, 1, 10))  # station only next year


def test_indicator_5_is_floor_area_in_use_per_hundred_households(base_2024, facilities):
    actual = compute(5)
    assert actual.numerator == Decimal("1000.00") and actual.denominator == Decimal(300_000)
    assert actual.value == Decimal("0.33")
    assert sum(Decimal(b["count"]) for b in actual.detail["breakdown"]) == actual.numerator


def test_indicator_12_is_the_share_of_facilities_in_use_hosting_a_volunteer_station(facilities):
    actual = compute(12)
    assert (actual.numerator, actual.denominator, actual.value) == (Decimal(1), Decimal(3), Decimal("33.33"))
    assert sum(int(b["count"]) for b in actual.detail["breakdown"]) == actual.denominator
    assert "station=yes" in actual.detail["link"]


def test_indicators_5_and_12_have_no_data_without_facilities(base_2024):
    for no in (5, 12):
        with pytest.raises(NoData):
            compute(no)
