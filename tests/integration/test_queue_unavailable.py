"""With the broker down, a request that queues work answers 503 "the job queue is unavailable"
within 2 s (it was a 500 after ~19 s), and the job is marked failed with the reason, visible on its
page and API, instead of staying "queued" for ever (issue 10, item 9). Eager mode is off, as in
production; the broker is a closed port, or a port that accepts and never answers."""

import time

import pytest
from django.urls import reverse

from core.models import ImportJob
from indicators.models import RecomputeRun
from tests.core.test_import import row, xlsx
from tests.factories import make_id_number

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NAMES = ["陈志明", "林秀英", "黄国华"]


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_background_import_answers_503_within_2_s_and_the_job_says_why(broker_down, officer, client_for, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1  # three rows: the worker's job
    client = client_for(officer)
    rows = [row(name, make_id_number()) for name in NAMES]
    response, took = timed(lambda: client.post(reverse("core:import_upload", args=["people"]), {"file": xlsx(rows)}))
    assert response.status_code == 503 and took < 2, took
    assert "任务队列暂时不可用" in response.content.decode()
    assert response["Retry-After"]
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED and job.finished_at
    assert "任务队列不可用" in job.message and "Connection refused" in job.message
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert "任务队列不可用" in page and "重新导入" in page


def test_a_recompute_request_answers_503_within_2_s_and_the_run_says_why(broker_down, staff, client_for):
    client = client_for(staff)
    response, took = timed(
        lambda: client.post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
    )
    assert response.status_code == 503 and took < 2, took
    assert response.json() == {"detail": "任务队列暂时不可用，请稍后再试。", "code": "queue_unavailable"}
    run = RecomputeRun.objects.get()
    assert run.state == RecomputeRun.State.FAILED and "任务队列不可用" in run.error
    status = client.get(f"/api/v1/indicators/recompute/{run.pk}/").json()
    assert status["status"] == "failed" and "任务队列不可用" in status["error"]
    # The failed run does not hold the year: the next request tries again (and is refused again).
    again = client.post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
    assert again.status_code == 503 and RecomputeRun.objects.count() == 2


def test_the_dashboard_recompute_button_answers_a_503_page(broker_down, staff, client_for):
    response, took = timed(lambda: client_for(staff).post(f"{reverse('indicators:recompute')}?year=2021"))
    assert response.status_code == 503 and took < 2, took
    html = response.content.decode()
    assert "任务队列暂时不可用" in html and "<html" in html
    assert RecomputeRun.objects.get().state == RecomputeRun.State.FAILED


def test_a_broker_that_never_answers_also_fails_within_2_s(broker_hung, staff, client_for):
    response, took = timed(
        lambda: client_for(staff).post("/api/v1/indicators/recompute/", {"year": 2021}, content_type="application/json")
    )
    assert response.status_code == 503 and took < 2, took
    assert "Timeout" in RecomputeRun.objects.get().error
