import os

import pytest

pytestmark = pytest.mark.integration


def test_healthz_reads_ok_with_a_worker_and_names_the_worker_once_it_is_gone(celery_worker, settings, client):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    up = client.get("/healthz")
    assert up.status_code == 200, up.content
    assert up.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}

    celery_worker.terminate()
    celery_worker.wait(timeout=15)
    down = client.get("/healthz")
    assert down.status_code == 503
    body = down.json()
    assert (body["status"], body["database"], body["broker"]) == ("error", "ok", "ok")
    assert body["worker"].startswith("error:"), body
