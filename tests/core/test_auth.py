import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.concurrency import second_while_first_uncommitted
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_login_locks_after_repeated_failures(officer):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    # Locked: even the right password is refused now.
    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "账户已锁定" in response.content.decode()
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


def test_a_new_password_ends_the_api_tokens_taken_with_the_old_one(officer):
    def token():
        answer = Client().post(
            "/api/v1/auth/token/", {"username": officer.username, "password": password}, content_type="application/json"
        )
        return answer.json()["token"]

    password = PASSWORD
    old = token()
    browser = Client()
    browser.force_login(officer)
    changed = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Nanan-new-pass-2026", "new_password2": "Nanan-new-pass-2026"},
    )
    assert changed.status_code == 302
    assert Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    password = "Nanan-new-pass-2026"
    fresh = token()
    assert fresh != old
    assert Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200
    officer.refresh_from_db()
    officer.first_name = "改名"
    officer.save()  # a save without a new password keeps the token
    assert Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_a_persons_api_token_ends_after_the_working_day_and_a_new_one_is_issued(officer, make_user, settings):
    """Found by an attacker's walk: a token never ended, so an officer's token outlived the pages'
    30-minute idle rule for good. A person's token lasts API_TOKEN_HOURS; the API client's, a
    system's, lasts until its password changes."""
    import datetime

    from rest_framework.authtoken.models import Token

    from core.roles import Role

    def token_of(user):
        answer = Client().post(
            "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, content_type="application/json"
        )
        assert answer.status_code == 200
        return answer.json()["token"]

    def people(key):
        return Client().get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {key}")

    system = make_user(Role.API_CLIENT)
    first, system_key = token_of(officer), token_of(system)
    assert token_of(officer) == first  # the same token while it lasts
    long_ago = timezone.now() - datetime.timedelta(hours=getattr(settings, "API_TOKEN_HOURS", 8), minutes=1)
    Token.objects.update(created=long_ago)
    ended = people(first)
    assert ended.status_code == 401 and ended.json()["detail"] == "令牌已过期，请重新获取。"
    assert people(system_key).status_code == 200
    fresh = token_of(officer)
    assert fresh != first and people(fresh).status_code == 200


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
    # The right password is refused while the account is locked, and the answer says so.
    assert locked.status_code == 429 and "token" not in locked.json()
    assert locked.json()["code"] == "account_locked"


PROXY = "10.8.0.1"  # the bureau's reverse proxy: every desk reaches the portal from this address


def _login(username, password, **environ):
    client = Client(**environ)
    return client, client.post(reverse("login"), {"username": username, "password": password})


def _fail_until_locked(username, **environ):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(username, "wrong", **environ)


def _unlock_time(username) -> str:
    """When the lock ends, from the recorded failures: the last one plus the cool-off, local time."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    last = AccessAttempt.objects.filter(username=username).latest("attempt_time").attempt_time
    until = timezone.localtime(last + settings.AXES_COOLOFF_TIME)
    # With the date when the lock ends on another day (a failure after 23:30 in Nan'an).
    return f"{until:%H:%M}" if until.date() == timezone.localdate() else f"{until:%Y-%m-%d %H:%M}"


def test_one_users_failures_from_the_proxy_address_do_not_lock_another_user(officer, assistant):
    _fail_until_locked(officer.username, REMOTE_ADDR=PROXY)
    client, response = _login(assistant.username, PASSWORD, REMOTE_ADDR=PROXY)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    # The one who mistyped is locked, at that address.
    _client, locked = _login(officer.username, PASSWORD, REMOTE_ADDR=PROXY)
    assert locked.status_code == 429


def test_with_the_trusted_proxy_configured_two_desks_behind_it_are_told_apart(officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _fail_until_locked(officer.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.168.5.10")
    _client, locked = _login(officer.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.168.5.10")
    assert locked.status_code == 429
    # The same account from another desk: the proxy says it is another client.
    client, response = _login(officer.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.168.5.11")
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_client_cannot_escape_the_lock_by_forging_the_forwarded_header(officer, settings):
    # Without a trusted proxy the header is ignored altogether ...
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(officer.username, "wrong", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    _client, locked = _login(
        officer.username, PASSWORD, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.99"
    )
    assert locked.status_code == 429
    # ... and behind one trusted proxy only the address the proxy appended counts, not what the client put first.
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(officer.username, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 192.168.5.20")
    _client, locked = _login(
        officer.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.99, 192.168.5.20"
    )
    assert locked.status_code == 429


def test_the_locked_login_page_says_at_what_time_to_try_again(officer):
    _fail_until_locked(officer.username)
    _client, locked = _login(officer.username, PASSWORD)
    assert locked.status_code == 429
    assert f"账户已锁定，请于 {_unlock_time(officer.username)} 后再试" in locked.content.decode()


def test_the_lock_time_holds_when_the_user_tries_again_while_locked(officer):
    _fail_until_locked(officer.username)
    until = _unlock_time(officer.username)
    for password in ("wrong", PASSWORD):
        _client, locked = _login(officer.username, password)
        assert locked.status_code == 429 and f"请于 {until} 后再试" in locked.content.decode()


def test_the_token_endpoint_tells_a_locked_account_when_to_try_again(officer):
    client = Client()
    url = "/api/v1/auth/token/"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": officer.username, "password": "wrong"}, content_type="application/json")
    locked = client.post(url, {"username": officer.username, "password": PASSWORD}, content_type="application/json")
    assert locked.status_code == 429
    body = locked.json()
    assert body["detail"] == f"账户已锁定，请于 {_unlock_time(officer.username)} 后再试。"
    assert body["code"] == "account_locked" and body["locked_until"]
    assert int(locked["Retry-After"]) > 0
    # The username with a stray space is the same locked account, told the same.
    padded = client.post(
        url, {"username": f"{officer.username} ", "password": PASSWORD}, content_type="application/json"
    )
    assert padded.status_code == 429 and padded.json()["code"] == "account_locked"
    # A wrong password for an account that is not locked is still the plain 400.
    other = client.post(url, {"username": "nobody", "password": "wrong"}, content_type="application/json")
    assert other.status_code == 400


def test_a_username_longer_than_any_account_is_a_field_error_not_a_crash(db):
    """Found by the schema fuzzer: a 300-character username reached the lockout's record (500)."""
    response = Client().post(
        "/api/v1/auth/token/", {"username": "x" * 300, "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400 and "username" in response.json()


def test_guessing_one_account_from_many_addresses_is_bounded_account_wide(officer, assistant):
    """The per-address lock alone would let an attacker try 5 passwords from every address he has:
    AXES_ACCOUNT_FAILURE_LIMIT failures from any addresses lock the account everywhere, and both
    doors say until when; another account is untouched."""
    addresses = [f"198.51.100.{i}" for i in range(settings.AXES_ACCOUNT_FAILURE_LIMIT)]
    for address in addresses:  # one try each: no address reaches its own lock
        _login(officer.username, "wrong", REMOTE_ADDR=address)
    until = _unlock_time(officer.username)
    client, page = _login(officer.username, PASSWORD, REMOTE_ADDR="203.0.113.200")
    assert "_auth_user_id" not in client.session
    assert f"账户已锁定，请于 {until} 后再试" in page.content.decode()
    token = Client(REMOTE_ADDR="203.0.113.201").post(
        "/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 429 and token.json()["code"] == "account_locked"
    other, _page = _login(assistant.username, PASSWORD, REMOTE_ADDR="203.0.113.200")
    assert "_auth_user_id" in other.session


def test_pages_in_a_row_write_the_session_once_a_minute_not_once_a_request(officer, client):
    """Issue 14: the session row was written on every GET (SESSION_SAVE_EVERY_REQUEST)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get("/")  # the first request after sign-in slides the window
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/core/people/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and q["sql"].lstrip().startswith("UPDATE")]


@pytest.mark.django_db(transaction=True)
def test_two_token_requests_at_once_both_get_the_one_token(officer):
    """Found reviewing this stop's change: an ended token replaced by two requests at once made the
    second break the one-token-a-user key (a 500). The second now takes the token the first made."""
    from rest_framework.authtoken.models import Token

    from core.api.authentication import token_for

    got = second_while_first_uncommitted(lambda: Token.objects.create(user=officer).key, lambda: token_for(officer).key)
    assert len(got) == 2 and got[0] == got[1] == Token.objects.get(user=officer).key
