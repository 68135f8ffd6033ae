"""GB/T 42195-2022 level arithmetic: every band edge and each adjustment, as the pure function and
through the service (the stored total and level)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from eldercare.assessment import ITEMS, PART_MAX, TOTAL_MAX, assessed_level, level_by_total
from eldercare.models import Assessment
from eldercare.services.assessments import assessment_record

D = datetime.date


def test_the_four_parts_have_the_standards_maximum_scores_and_26_items():
    assert PART_MAX == {"self_care": 32, "basic_motion": 15, "mental_state": 28, "perception_social": 15}
    assert TOTAL_MAX == 90
    assert len(ITEMS) == 26


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (90, 0),  # 能力完好
        (89, 1), (66, 1),  # 轻度失能
        (65, 2), (46, 2),  # 中度失能
        (45, 3), (30, 3),  # 重度失能
        (29, 4), (0, 4),  # 完全失能
    ],
)  # fmt: skip
def test_each_band_of_the_total_gives_its_level(total, level):
    assert level_by_total(total) == level
    assert assessed_level(total=total, coma=False, dementia_or_mental_disorder=False, risk_events_30d=0) == level


@pytest.mark.parametrize("total", [90, 70, 50, 35, 10])
def test_coma_is_complete_loss_whatever_the_total(total):
    assert assessed_level(total=total, coma=True, dementia_or_mental_disorder=False, risk_events_30d=0) == 4


@pytest.mark.parametrize(("total", "raised"), [(90, 1), (75, 2), (50, 3), (40, 4), (20, 4)])
def test_dementia_or_a_mental_disorder_raises_one_level_capped_at_4(total, raised):
    assert assessed_level(total=total, coma=False, dementia_or_mental_disorder=True, risk_events_30d=0) == raised


def test_two_risk_events_in_30_days_raise_one_level_and_one_does_not():
    assert assessed_level(total=70, coma=False, dementia_or_mental_disorder=False, risk_events_30d=1) == 1
    assert assessed_level(total=70, coma=False, dementia_or_mental_disorder=False, risk_events_30d=2) == 2
    assert assessed_level(total=70, coma=False, dementia_or_mental_disorder=False, risk_events_30d=5) == 2


def test_both_raising_conditions_raise_one_level_in_all():
    assert assessed_level(total=70, coma=False, dementia_or_mental_disorder=True, risk_events_30d=3) == 2
    assert assessed_level(total=35, coma=False, dementia_or_mental_disorder=True, risk_events_30d=3) == 4


PARTS = {"self_care": 20, "basic_motion": 10, "mental_state": 20, "perception_social": 10}  # total 60: moderate


def _record(staff, elder, **kw):
    values = {"person": elder, "assessed_on": D(2025, 3, 1), "assessor": "王评估", **PARTS, **kw}
    return assessment_record(user=staff, **values)


def test_the_service_stores_total_and_level_from_part_scores(staff, elder):
    a = _record(staff, elder)
    assert (a.total, a.level) == (60, Assessment.Level.MODERATE)
    assert _record(staff, elder, dementia_or_mental_disorder=True).level == Assessment.Level.SEVERE
    assert _record(staff, elder, risk_events_30d=2).level == Assessment.Level.SEVERE
    assert _record(staff, elder, coma=True).level == Assessment.Level.COMPLETE


def test_the_26_items_are_summed_into_the_parts(staff, elder):
    items = {item.key: item.maximum for item in ITEMS}
    items["stairs"] = 0  # basic motion 12
    items["memory"] = 1  # mental state 25
    a = assessment_record(user=staff, person=elder, assessed_on=D(2025, 3, 1), assessor="王评估", items=items)
    assert (a.self_care, a.basic_motion, a.mental_state, a.perception_social) == (32, 12, 25, 15)
    assert (a.total, a.level) == (84, 1)
    assert a.items["stairs"] == 0


def test_a_part_score_out_of_range_is_refused_naming_the_field(staff, elder):
    with pytest.raises(ValidationError) as exc:
        _record(staff, elder, self_care=33, perception_social=-1)
    assert set(exc.value.message_dict) == {"self_care", "perception_social"}
    assert "0 至 32" in exc.value.message_dict["self_care"][0]
    assert not Assessment.objects.exists()


def test_an_item_out_of_range_or_missing_is_refused(staff, elder):
    items = {item.key: 0 for item in ITEMS}
    items["aggression"] = 2  # 0–1
    del items["vision"]
    with pytest.raises(ValidationError) as exc:
        assessment_record(user=staff, person=elder, assessed_on=D(2025, 3, 1), assessor="王评估", items=items)
    assert "items.aggression" in exc.value.message_dict
    assert "视力" in exc.value.message_dict["items"][0]


def test_a_person_under_60_or_a_date_after_death_or_in_the_future_is_refused(staff, honglai):
    from tests.factories import PersonFactory, make_id_number

    young = PersonFactory(township=honglai, id_number=make_id_number(D(1980, 1, 1)))
    with pytest.raises(ValidationError) as exc:
        _record(staff, young)
    assert "person" in exc.value.message_dict
    old = PersonFactory(township=honglai, id_number=make_id_number(D(1930, 1, 1)), date_of_death=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        _record(staff, old)
    assert "assessed_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _record(staff, old, assessed_on=D(2999, 1, 1))
    assert "assessed_on" in exc.value.message_dict


def test_the_history_is_kept_and_the_latest_is_first(staff, elder):
    from eldercare.selectors import person_assessments

    first = _record(staff, elder, assessed_on=D(2023, 5, 1))
    second = _record(staff, elder, assessed_on=D(2025, 5, 1), coma=True)
    assert list(person_assessments(elder)) == [second, first]


def test_the_database_refuses_a_total_that_is_not_the_sum(staff, elder):
    from django.db import IntegrityError, transaction

    a = _record(staff, elder)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=a.pk).update(total=61)
