"""Care-worker training records: course, date, person-times; progress over 2021–2025 against the
plan's aims (3,000 care-worker person-times, 20 institution heads); limits named at every door; a
township officer records and sees their township's only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from eldercare.models import TrainingSession
from eldercare.selectors import training_progress
from eldercare.services.training import training_record
from tests.api_schema import check
from tests.eldercare.conftest import TODAY

D = datetime.date
BASE = "/api/v1/eldercare/training-sessions/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def course(user, held_on, trainees, audience="care_worker", township=None):
    return training_record(user=user, title="养老护理员培训", audience=audience, held_on=held_on, trainees=trainees,
                           township=township)  # fmt: skip


def test_progress_sums_the_plan_period_against_the_aims(staff, honglai):
    course(staff, D(2020, 6, 1), 500)  # before the plan period: not counted
    course(staff, D(2021, 6, 1), 1200)
    course(staff, D(2023, 6, 1), 600, township=honglai)
    course(staff, D(2024, 6, 1), 5, audience="institution_head")
    progress = training_progress(user=staff)
    assert (progress["care_worker"]["done"], progress["care_worker"]["aim"], progress["care_worker"]["share"]) == (
        1800, 3000, 60.0)  # fmt: skip
    assert dict(progress["care_worker"]["years"])[2023] == 600
    assert (progress["institution_head"]["done"], progress["institution_head"]["share"]) == (5, 25.0)


def test_a_township_officer_records_and_sees_only_their_township(staff, officer, honglai, shuitou):
    course(staff, D(2022, 6, 1), 100, township=shuitou)
    course(officer, D(2022, 7, 1), 40, township=honglai)
    assert training_progress(user=officer)["care_worker"]["done"] == 40
    with pytest.raises(ValidationError) as err:
        course(officer, D(2022, 7, 1), 40, township=shuitou)
    assert "township" in err.value.message_dict


def test_bad_input_is_refused_naming_each_field(staff):
    with pytest.raises(ValidationError) as err:
        training_record(user=staff, title="", audience="nurse", held_on=TODAY + datetime.timedelta(days=1),
                        trainees=0)  # fmt: skip
    assert {"title", "audience", "held_on", "trainees"} <= set(err.value.message_dict)
    assert not TrainingSession.objects.exists()


def test_the_api_and_page_record_and_show_progress(schema, staff, client_for):
    created = api(staff).post(BASE, {"title": "护理员初级班", "audience": "care_worker", "held_on": "2024-03-01",
                                     "trainees": 150}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    check(schema, BASE, "post", "201", created.json())
    check(schema, BASE, "get", "200", api(staff).get(BASE).json())
    progress = api(staff).get(f"{BASE}progress/").json()
    check(schema, f"{BASE}progress/", "get", "200", progress)
    assert {p["audience"]: p["done"] for p in progress} == {"care_worker": 150, "institution_head": 0}
    bad = api(staff).post(BASE, {"title": "x", "audience": "care_worker", "held_on": "2024-03-01", "trainees": 9999},
                          format="json")  # fmt: skip
    assert bad.status_code == 400 and "trainees" in bad.json()
    page = client_for(staff).get("/eldercare/training/").content.decode()
    assert "已完成 150 人次 / 目标 3000 人次（5.0%）" in page
