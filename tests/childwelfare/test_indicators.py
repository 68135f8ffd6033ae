"""Indicator 6: townships with an operating station or designated officer on 31 December / 26 × 100."""

import datetime
from decimal import Decimal

from childwelfare.indicators import minor_protection_station_coverage
from childwelfare.models import Station
from childwelfare.services.stations import station_save
from core.models import Division

D = datetime.date


def test_indicator_6_counts_townships_covered_at_year_end(staff):
    plan = list(Division.objects.filter(level="township", in_plan=True).order_by("code"))
    assert len(plan) == 26
    a, b, c, d, e = plan[:5]
    station_save(user=staff, township=a, kind="station", name="甲站", opened_on=D(2021, 3, 1))
    station_save(
        user=staff, township=a, kind="designated_officer", name="黄专干", opened_on=D(2021, 3, 1)
    )  # same township: once
    station_save(
        user=staff, township=b, kind="designated_officer", name="林专干", opened_on=D(2021, 12, 31)
    )  # on the day: counts
    station_save(user=staff, township=c, kind="station", name="丙站", opened_on=D(2022, 1, 1))  # next year
    station_save(
        user=staff, township=d, kind="station", name="丁站", opened_on=D(2020, 5, 1), closed_on=D(2021, 12, 31)
    )  # closed on the day
    station_save(user=staff, township=e, kind="station", name="戊站", opened_on=D(2020, 5, 1), closed_on=D(2022, 1, 1))
    actual = minor_protection_station_coverage(2021, D(2021, 12, 31))
    assert (actual.numerator, actual.denominator) == (Decimal(3), Decimal(26))
    assert actual.value == Decimal("11.54")
    assert actual.detail["covered"] == sorted([a.code, b.code, e.code])
    assert sum(int(row["count"]) for row in actual.detail["breakdown"]) == 3
    assert sum(int(v["numerator"]) for v in actual.detail["by_township"].values()) == 3
    assert actual.detail["link"].startswith("/childwelfare/stations/?on=2021-12-31")
    assert a.name in actual.note and c.name not in actual.note
    # 2022: c opens, e closed on 1 January: a, b, c.
    assert minor_protection_station_coverage(2022, D(2022, 12, 31)).detail["covered"] == sorted(
        [a.code, b.code, c.code]
    )


def test_a_station_outside_the_plans_townships_does_not_count(staff):
    outside = Division.objects.filter(level="township", in_plan=False).first()
    if outside is None:
        return
    Station.objects.create(township=outside, kind="station", name="开发区站", opened_on=D(2020, 1, 1))
    assert minor_protection_station_coverage(2021, D(2021, 12, 31)).numerator == Decimal(0)


def test_the_status_follows_the_closing_date_and_bad_dates_are_named(staff):
    import pytest
    from django.core.exceptions import ValidationError

    township = Division.objects.get(code="350583113")
    station = station_save(user=staff, township=township, kind="station", name="洪濑站", opened_on=D(2021, 1, 1))
    assert station.status == Station.Status.OPERATING
    station = station_save(user=staff, station=station, closed_on=D(2022, 1, 1))
    assert station.status == Station.Status.CLOSED
    with pytest.raises(ValidationError) as exc:
        station_save(
            user=staff, township=township, kind="station", name="新站", opened_on=D(2021, 1, 1), closed_on=D(2020, 1, 1)
        )
    assert "closed_on" in exc.value.message_dict
