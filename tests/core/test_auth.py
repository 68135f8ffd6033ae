import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_login_locks_after_repeated_failures(officer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    # Locked: even the right password is refused now.
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_endpoint_returns_a_token_that_authenticates(officer):
    client = Client()
    response = client.post(
        "/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    listed = Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listed.status_code == 200
    bad = Client().post(
        "/api/v1/auth/token/", {"username": officer.username, "password": "nope"}, content_type="application/json"
    )
    assert bad.status_code == 400


def test_session_expires_after_inactivity_and_activity_extends_it(officer, client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(officer)
    session = Session.objects.get()
    session.expire_date = timezone.now() + timedelta(minutes=1)
    session.save()
    assert client.get("/").status_code == 200
    # Each request slides the idle window to the full 30 minutes again.
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_check_deploy_is_clean_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "FAST_PASSWORD_HASHER", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-9f8e7d6c5b4a",
        ALLOWED_HOSTS="mz.nanan.gov.cn",
        DEBUG="0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_secret_key_each_installation_generates_its_own(tmp_path):
    def key(var_dir):
        env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
        env["NANAN_VAR_DIR"] = str(var_dir)
        code = "from django.conf import settings; print(settings.SECRET_KEY)"
        result = subprocess.run(
            [sys.executable, "-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); {code}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    first, again, other = key(tmp_path / "a"), key(tmp_path / "a"), key(tmp_path / "b")
    assert first == again and first != other and len(first) >= 50
    assert oct((tmp_path / "a" / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_token_endpoint_failures_count_toward_the_lockout(officer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/api/v1/auth/token/", {"username": officer.username, "password": "wrong"}, content_type="application/json"
        )
    locked = client.post(
        "/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}, content_type="application/json"
    )
    # The right password is refused while the account is locked.
    assert locked.status_code == 400 and "token" not in locked.json()
