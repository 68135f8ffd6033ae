import os
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.integration


def _get(client, url):
    """/healthz is an async view: call it from a fresh thread, since the browser tests leave an
    event loop in the main one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(client.get, url).result()


def test_healthz_reads_ok_with_a_worker_and_names_the_worker_once_it_is_gone(celery_worker, settings, client):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    up = _get(client, "/healthz")
    assert up.status_code == 200, up.content
    assert up.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}

    celery_worker.terminate()
    celery_worker.wait(timeout=15)
    down = _get(client, "/healthz")
    assert down.status_code == 503
    body = down.json()
    assert (body["status"], body["database"], body["broker"]) == ("error", "ok", "ok")
    assert body["worker"].startswith("error:"), body
