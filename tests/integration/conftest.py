"""A real Celery worker on Redis, against the test database. No mocks of our own queue."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
WORKER_OPTIONS = ["--pool=solo", "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"]


def _forget_connections():
    """The app caches its result backend and producer pool on first use: drop them so the new
    broker and backend settings take effect. (Not app.close(): that also unregisters the app, and
    a shared task whose module is imported later would then never be registered with it.)"""
    app._local.__dict__.pop("backend", None)
    app.__dict__.pop("amqp", None)  # holds the queues and routes built from the old settings
    app._pool = None


def _use(**conf):
    """Point the project's app at other settings; returns what to restore."""
    saved = {k: app.conf[k] for k in conf}
    app.conf.update(conf)
    _forget_connections()
    return saved


@pytest.fixture
def start_worker(transactional_db):
    """Start real workers (`start_worker(env={...})`) consuming one queue of their own; the
    project's app sends there while the test runs. Every worker is stopped at the end."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor != "postgresql":
        pytest.skip("the worker test runs on PostgreSQL")
    saved = _use(task_always_eager=False, broker_url=BROKER, result_backend=BROKER, task_default_queue=queue)
    started = []

    def start(env: dict | None = None) -> subprocess.Popen:
        log = open(ROOT / "var" / f"celery-{queue}-{len(started)}.log", "w+")  # noqa: SIM115 (closed below)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", *WORKER_OPTIONS, "-Q", queue],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": BROKER, "DEBUG": "1", **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((worker, log))
        deadline = time.monotonic() + 30
        while "ready." not in (log.seek(0) or log.read()):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + (log.seek(0) or log.read()))
            time.sleep(0.2)
        return worker

    start.queue = queue
    try:
        yield start
    finally:
        app.conf.update(saved)
        _forget_connections()
        for worker, log in started:
            if worker.poll() is None:
                worker.terminate()  # warm shutdown
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
            log.close()


@pytest.fixture
def celery_worker(start_worker):
    return start_worker()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when this returns: nothing listens there


@pytest.fixture
def broker_down(transactional_db):
    """The broker is down: nothing listens where the app sends (eager mode off, as in production)."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    saved = _use(task_always_eager=False, broker_url=url, result_backend=url)
    yield url
    app.conf.update(saved)
    _forget_connections()


@pytest.fixture
def broker_hung(transactional_db):
    """A broker that accepts connections and never answers (a hung server, a half-open link)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # the kernel completes the handshakes; nobody reads or writes
    url = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    saved = _use(task_always_eager=False, broker_url=url, result_backend=url)
    yield url
    app.conf.update(saved)
    _forget_connections()
    listener.close()
