"""`make run`'s path: no DATABASE_URL and no broker → SQLite under var/ and eager tasks. It
migrates, seeds and serves the login page."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sqlite_quick_start_migrates_seeds_and_serves_login(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="1", NANAN_VAR_DIR=str(tmp_path))
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    migrated = run("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    assert "System check identified" not in migrated.stdout + migrated.stderr  # a first run says nothing to fix
    seeded = run("seed_demo", "--scale", "0.05")
    assert seeded.returncode == 0, seeded.stderr
    assert "officer" in seeded.stdout and "Nanan-demo-2025" in seeded.stdout
    again = run("seed_demo", "--scale", "0.05")
    assert "(+0)" in again.stdout  # idempotent
    assert (tmp_path / "nanan.sqlite3").exists()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert "登录" in body and 'name="password"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert b'"broker": "eager"' in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
