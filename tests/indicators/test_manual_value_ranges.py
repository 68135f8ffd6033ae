"""A manual value must be one the indicator can take, by its unit: a percentage 0–100 (‰ 0–1000,
beds per 1000 older people at most 1000), never negative, a count a whole number, nothing past a
million. The service refuses the rest with a field error, so the API and the page both do."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Indicator, ManualValue
from indicators.services.values import manual_value_enter


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize(
    ("no", "value"),
    [
        (1, "-99999999.99"),  # the reviewer's value, on a percentage
        (1, "100.01"),  # %
        (7, "-0.01"),  # %
        (11, "1000.01"),  # ‰
        (3, "1001"),  # 张 per 1000 older people
        (5, "1000000.01"),  # 平方米 per 100 households: an absurd magnitude
        (5, "-1"),
        (10, "808.5"),  # 个: a count
        (10, "99999999"),
    ],
)
def test_manual_values_out_of_the_indicators_range_are_refused_with_a_field_error(staff, client_for, no, value):
    response = post(
        client_for(staff),
        f"/api/v1/indicators/{no}/manual-values/",
        {"year": 2025, "value": value, "source": "统计公报", "reason": "测试"},
    )
    assert response.status_code == 400 and "value" in response.json()
    assert not ManualValue.objects.exists()


@pytest.mark.parametrize(("no", "value"), [(1, "0"), (1, "100"), (11, "2.1"), (3, "14"), (5, "40.5"), (10, "808")])
def test_manual_values_within_the_indicators_range_are_kept(staff, no, value):
    indicator = Indicator.objects.get(no=no)
    manual_value_enter(user=staff, indicator=indicator, year=2025, value=Decimal(value), source="x", reason="y")
    assert ManualValue.objects.get().value == Decimal(value)


def test_the_service_refuses_an_out_of_range_value_naming_the_value_field(staff):
    with pytest.raises(ValidationError) as refused:
        manual_value_enter(
            user=staff, indicator=Indicator.objects.get(no=2), year=2024, value=Decimal("250"), source="x", reason="y"
        )
    assert "100" in refused.value.message_dict["value"][0]


def test_the_indicator_page_refuses_an_out_of_range_manual_value(staff, client_for):
    response = client_for(staff).post(
        reverse("indicators:manual_value", args=[13]),
        {"year": 2025, "value": "-99999999.99", "source": "x", "reason": "y", "use_it": "on"},
        follow=True,
    )
    assert not ManualValue.objects.exists()
    assert any("0 至 100" in str(m) for m in response.context["messages"])
