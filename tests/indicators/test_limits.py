"""Years and texts the indicators accept (issue 10, items 10–12): every year field has a plausible
range the database enforces and the services check with a message naming the range; text fields
have limits the database and the services agree on, and nothing is cut silently."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.limits import REASON_MAX
from indicators.models import (
    BaseStatistic,
    Indicator,
    KeyProject,
    ManualValue,
    RecomputeRun,
    Snapshot,
    ValueChoice,
    YearApproval,
)
from indicators.services.values import manual_value_enter, value_choose


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_choice_for_year_40000_answers_400_naming_the_year(staff, client_for):
    response = post(
        client_for(staff), "/api/v1/indicators/1/choice/", {"year": 40000, "source": "computed", "reason": "x"}
    )
    assert response.status_code == 400, response.content
    assert "year" in response.json()
    assert not ValueChoice.objects.exists()


@pytest.mark.parametrize("year", [0, 1800, 2999, 8384, 2019, 2026])
def test_choices_outside_the_plan_years_are_refused_with_the_range(staff, client_for, year):
    response = post(
        client_for(staff), "/api/v1/indicators/7/choice/", {"year": year, "source": "computed", "reason": "x"}
    )
    assert response.status_code == 400
    assert "2020" in str(response.json()["year"]) and "2025" in str(response.json()["year"])
    assert not ValueChoice.objects.exists()


@pytest.mark.parametrize("year", [0, 1800, 2999, 8384])
def test_the_service_refuses_the_same_years_whatever_the_door(staff, year):
    indicator = Indicator.objects.get(no=7)
    with pytest.raises(ValidationError) as refused:
        value_choose(user=staff, indicator=indicator, year=year, source="computed", reason="x")
    assert "年份应在 2020 至 2025 之间" in str(refused.value.message_dict["year"])
    with pytest.raises(ValidationError) as refused:
        manual_value_enter(user=staff, indicator=indicator, year=year, value=Decimal(1), source="x", reason="y")
    assert "year" in refused.value.message_dict


@pytest.mark.parametrize("year", [40000, -1, 99999999999])
def test_out_of_range_years_on_every_year_door_answer_400(staff, client_for, year):
    client = client_for(staff)
    for url, data in [
        ("/api/v1/indicators/7/manual-values/", {"year": year, "value": "1", "source": "x", "reason": "y"}),
        ("/api/v1/indicators/recompute/", {"year": year}),
        ("/api/v1/indicators/approvals/", {"year": year}),
        ("/api/v1/indicators/base-statistics/", {"year": year, "resident_population": 1}),
    ]:
        response = post(client, url, data)
        assert response.status_code == 400, (url, response.content)
        assert "year" in response.json(), (url, response.json())


def _user(staff):
    return {"requested_by": staff}


@pytest.mark.parametrize("year", [0, 1800, 2999, 8384])
def test_the_database_refuses_an_implausible_year_in_every_table(staff, year):
    indicator = Indicator.objects.get(no=7)
    run = RecomputeRun.objects.create(year=2021, as_of=date(2021, 12, 31), state=RecomputeRun.State.DONE)
    rows = [
        lambda: BaseStatistic.objects.create(year=year),
        lambda: RecomputeRun.objects.create(year=year, as_of=date(2021, 12, 31), state=RecomputeRun.State.DONE),
        lambda: Snapshot.objects.create(run=run, indicator=indicator, year=year, computed_at="2026-01-01T00:00:00Z"),
        lambda: ManualValue.objects.create(
            indicator=indicator, year=year, value=1, source="x", reason="y", entered_by=staff
        ),
        lambda: ValueChoice.objects.create(
            indicator=indicator, year=year, source="computed", reason="x", chosen_by=staff
        ),
        lambda: YearApproval.objects.create(year=year, run=run, approved_by=staff),
    ]
    for create in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            create()


@pytest.mark.parametrize("field", ["notes", "milestones"])
def test_key_project_texts_over_the_limit_are_refused_not_cut(staff, client_for, field):
    client = client_for(staff)
    too_long = "进" * (REASON_MAX + 1)
    response = client.patch("/api/v1/indicators/projects/1/", {field: too_long}, content_type="application/json")
    assert response.status_code == 400
    assert str(REASON_MAX) in str(response.json()[field]).replace(",", "")
    assert getattr(KeyProject.objects.get(no=1), field) == ""
    fits = client.patch("/api/v1/indicators/projects/1/", {field: "进" * REASON_MAX}, content_type="application/json")
    assert fits.status_code == 200 and len(getattr(KeyProject.objects.get(no=1), field)) == REASON_MAX


def test_the_database_holds_the_same_text_limits(db):
    for model, field, pk in [
        (KeyProject, "notes", 1),
        (KeyProject, "milestones", 1),
        (KeyProject, "content", 1),
        (Indicator, "derivation", 1),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=pk).update(**{field: "长" * (REASON_MAX + 1)})


def test_choice_and_manual_value_reasons_past_their_field_are_refused_by_the_service(staff):
    indicator = Indicator.objects.get(no=7)
    with pytest.raises(ValidationError) as refused:
        value_choose(user=staff, indicator=indicator, year=2021, source="computed", reason="理" * 301)
    assert "300" in str(refused.value.message_dict["reason"])
    with pytest.raises(ValidationError) as refused:
        manual_value_enter(
            user=staff, indicator=indicator, year=2021, value=Decimal(1), source="源" * 201, reason="理" * 301
        )
    assert set(refused.value.message_dict) >= {"source", "reason"}
    assert not ValueChoice.objects.exists() and not ManualValue.objects.exists()
