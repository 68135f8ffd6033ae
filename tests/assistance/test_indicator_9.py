"""Plan indicator 9 (流浪乞讨人员身份查明后返回率): rescued in the year with identity established and
escorted or returned home / rescued in the year with identity established × 100, as of a date."""

from datetime import date as D
from decimal import Decimal

import pytest

from assistance.indicators import vagrant_return_rate
from assistance.models import Rescue
from assistance.services.rescue import rescue_create
from indicators.providers import PROVIDERS, NoData
from tests.factories import PersonFactory

ESCORTED, RETURNED_SELF, LONG_TERM, OTHER = "escorted", "returned_self", "long_term", "other"


def rescued(user, intake: D, *, identified: D | None = None, outcome: str = "", left: D | None = None) -> Rescue:
    fields = {"intake_date": intake, "outcome": outcome, "outcome_date": left}
    if identified:
        fields.update(person=PersonFactory(), identity_established_on=identified, identity_method="police")
    else:
        fields.update(provisional_name=f"无名氏{intake:%Y-%m-%d}")
    return rescue_create(user=user, **fields)


@pytest.fixture
def year_2024(staff):
    """10 rescued in 2024: 8 identified (4 escorted, 2 returned by themselves, 1 long-term placement,
    1 still at the station), 2 never identified (1 still at the station, 1 other). Around them: a
    2023 rescue and a 2025 rescue, both identified and escorted home, that 2024 must not count."""
    for month in (1, 2, 3, 4):
        rescued(staff, D(2024, month, 3), identified=D(2024, month, 5), outcome=ESCORTED, left=D(2024, month, 8))
    for month in (5, 6):
        rescued(staff, D(2024, month, 3), identified=D(2024, month, 4), outcome=RETURNED_SELF, left=D(2024, month, 4))
    rescued(staff, D(2024, 7, 1), identified=D(2024, 7, 20), outcome=LONG_TERM, left=D(2024, 9, 1))
    rescued(staff, D(2024, 11, 2), identified=D(2024, 11, 20))
    rescued(staff, D(2024, 8, 1))
    rescued(staff, D(2024, 8, 9), outcome=OTHER, left=D(2024, 8, 10))
    rescued(staff, D(2023, 12, 30), identified=D(2024, 1, 2), outcome=ESCORTED, left=D(2024, 1, 3))
    rescued(staff, D(2025, 1, 1), identified=D(2025, 1, 2), outcome=ESCORTED, left=D(2025, 1, 3))


def test_indicator_9_is_the_return_rate_of_the_identified_rescued_in_the_year(year_2024):
    actual = vagrant_return_rate(2024, D(2024, 12, 31))
    assert actual.value == Decimal("75.00")
    assert (actual.numerator, actual.denominator) == (6, 8)
    assert "受助 10 人次" in actual.note and "查明身份 8 人" in actual.note and "返回 6 人" in actual.note
    assert actual.detail["link"] == "/assistance/rescues/?year=2024"


def test_indicator_9_breaks_the_identified_down_by_outcome(year_2024):
    breakdown = {row["label"]: row["count"] for row in vagrant_return_rate(2024, D(2025, 3, 1)).detail["breakdown"]}
    assert breakdown == {"在站": "1", "接送返回": "4", "自行返回": "2", "长期安置": "1"}


def test_indicator_9_is_the_registered_provider_for_the_plan_table(year_2024):
    assert PROVIDERS[9] is vagrant_return_rate
    assert PROVIDERS[9](2024, D(2024, 12, 31)).value == Decimal("75.00")


def test_indicator_9_counts_only_what_was_known_on_the_as_of_date(year_2024, staff):
    # A mid-year figure: by 2024-06-30 six had come in (Jan–Jun), all identified and returned home.
    mid_year = vagrant_return_rate(2024, D(2024, 6, 30))
    assert (mid_year.numerator, mid_year.denominator, mid_year.value) == (6, 6, Decimal("100.00"))
    # Identified before the date but home only after it: in the denominator, not yet in the numerator.
    rescued(staff, D(2024, 6, 20), identified=D(2024, 6, 25), outcome=ESCORTED, left=D(2024, 7, 2))
    assert (
        vagrant_return_rate(2024, D(2024, 6, 30)).numerator,
        vagrant_return_rate(2024, D(2024, 6, 30)).denominator,
    ) == (6, 7)
    assert vagrant_return_rate(2024, D(2024, 12, 31)).value == Decimal("77.78")  # 7 / 9


def test_indicator_9_has_no_data_when_nobody_rescued_that_year_was_identified(staff):
    rescued(staff, D(2024, 3, 1))
    rescued(staff, D(2024, 4, 1), outcome=OTHER, left=D(2024, 4, 2))
    rescued(staff, D(2023, 5, 1), identified=D(2023, 5, 2), outcome=ESCORTED, left=D(2023, 5, 3))
    with pytest.raises(NoData, match="2024"):
        vagrant_return_rate(2024, D(2024, 12, 31))


def test_indicator_9_has_no_data_when_the_identification_came_after_the_as_of_date(staff):
    rescued(staff, D(2024, 3, 1), identified=D(2024, 5, 1))
    with pytest.raises(NoData):
        vagrant_return_rate(2024, D(2024, 4, 30))
    assert vagrant_return_rate(2024, D(2024, 12, 31)).value == Decimal("0.00")
