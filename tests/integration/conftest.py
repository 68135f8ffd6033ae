"""A real Celery worker on Redis, against the test database. No mocks of our own queue."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _forget_connections():
    """The app caches its result backend and producer pool on first use: drop them so the new
    broker and backend settings take effect."""
    app._local.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)  # holds the queues and routes built from the old settings
    app.close()


@pytest.fixture
def celery_worker(transactional_db):
    broker = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor != "postgresql":
        pytest.skip("the worker test runs on PostgreSQL")
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker, "DEBUG": "1"}
    log = open(ROOT / "var" / f"celery-{queue}.log", "w+")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker, task_default_queue=queue)
    _forget_connections()
    try:
        deadline = time.monotonic() + 30
        while "ready." not in (log.seek(0) or log.read()):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + (log.seek(0) or log.read()))
            time.sleep(0.2)
        yield worker
    finally:
        app.conf.update(saved)
        _forget_connections()
        worker.terminate()  # warm shutdown
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
