"""The scaled-out deployment's checks (issue 15, item 6), run by `make scaleout` (scripts/scaleout.sh)
through its nginx, which balances two gunicorn instances round robin and says which one answered
(X-Upstream); a request with X-Instance: 1 or 2 is pinned to that instance. Two Celery workers
(worker1@, worker2@) consume the one broker. Every check goes over HTTP like a user's browser or a
REST client; the database and the workers' counts are read afterwards to say what happened.

1. sessions: one sign-in through nginx, then 20 page requests, which land on both instances, all
   answered as that user;
2. the login lockout: AXES_FAILURE_LIMIT wrong passwords spread over both instances lock the
   account at this address on both (the page and the token endpoint);
3. payroll idempotency: two builds of the same month sent at once, one through each instance,
   queue one build and leave one batch; which worker built it;
4. both workers consume: recompute jobs for several years spread over the two workers.

Environment: SCALEOUT_PROXY (http://127.0.0.1:PORT), SCALEOUT_INSTANCES ("host:port host:port"), and
the portal's own settings (DATABASE_URL, CELERY_BROKER_URL, ...). Exits 1 when a check fails."""

import functools
import os
import re
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django

django.setup()

from django.conf import settings  # noqa: E402

from config.celery import app  # noqa: E402
from core.models import PaymentBatch, User  # noqa: E402
from core.payments import payable_months  # noqa: E402
from core.roles import Role  # noqa: E402
from core.services.users import user_create  # noqa: E402

PROXY = os.environ["SCALEOUT_PROXY"]
INSTANCES = os.environ["SCALEOUT_INSTANCES"].split()
PASSWORD = os.environ.get("SCALEOUT_PASSWORD", "Nanan-demo-2025")  # the demo users' (seed_demo)
LOCK_USER = "scaleout_lock"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_WHO = re.compile(r'data-testid="who">([^<]*)<')  # the signed-in user in the top bar
RESULTS: list[tuple[str, bool, str]] = []
TIMEOUT = 60  # seconds for any one request


def say(text: str) -> None:
    print(f"  {text}", flush=True)


def instance_of(response) -> str:
    """Which instance answered: 1 or 2 (by the address nginx reports), or the address itself."""
    address = response.headers.get("X-Upstream", "?")
    return str(INSTANCES.index(address) + 1) if address in INSTANCES else address


def sign_in(session: requests.Session, username: str, password: str, *, pin: str | None = None):
    headers = {"X-Instance": pin} if pin else {}
    page = session.get(f"{PROXY}/accounts/login/", headers=headers, timeout=TIMEOUT)
    token = _CSRF.search(page.text).group(1)
    answer = session.post(
        f"{PROXY}/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={**headers, "Referer": f"{PROXY}/accounts/login/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    return page, answer


@functools.cache
def api_token(username: str) -> str:
    answer = requests.post(
        f"{PROXY}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=TIMEOUT
    )
    answer.raise_for_status()
    return answer.json()["token"]


def check_sessions() -> None:
    print("\n1. Sessions: sign in once through nginx, then 20 requests", flush=True)
    session = requests.Session()
    page, answer = sign_in(session, "officer", PASSWORD)
    signed_in = answer.status_code == 302 and "/accounts/login/" not in answer.headers.get("Location", "")
    say(f"login page from instance {instance_of(page)}, sign-in posted to instance {instance_of(answer)}: "
        f"{answer.status_code} -> {answer.headers.get('Location')}")  # fmt: skip
    by_instance, kept, who = Counter(), 0, set()
    row = []
    for n in range(1, 21):
        reply = session.get(f"{PROXY}/assistance/", allow_redirects=False, timeout=TIMEOUT)
        label = _WHO.search(reply.text) if reply.status_code == 200 else None
        ok = label is not None and label.group(1).strip() != ""
        if ok:
            who.add(label.group(1).strip())
        kept += ok
        by_instance[instance_of(reply)] += 1
        row.append(f"{n}:{instance_of(reply)}{'' if ok else '!'}{reply.status_code if not ok else ''}")
    say("request:instance  " + " ".join(row))
    say(f"signed in as: {', '.join(sorted(who)) or 'nobody'}")
    spread = ", ".join(f"instance {k} ×{v}" for k, v in sorted(by_instance.items()))
    passed = signed_in and kept == 20 and len(who) == 1 and len(by_instance) == 2
    RESULTS.append(("sessions", passed, f"{kept}/20 requests signed in after one sign-in; {spread}"))


def check_lockout() -> None:
    limit = settings.AXES_FAILURE_LIMIT
    print(f"\n2. Login lockout: {limit} wrong passwords spread over both instances", flush=True)
    from axes.utils import reset

    user = User.objects.filter(username=LOCK_USER).first()
    if user is None:
        user_create(username=LOCK_USER, password=PASSWORD, role=Role.STAFF, full_name="scale-out lockout check")
    reset(username=LOCK_USER)  # a lock left by the previous run
    session, steps, codes = requests.Session(), [], []
    for n in range(limit):
        pin = "12"[n % 2]
        _page, answer = sign_in(session, LOCK_USER, "wrong-password-0", pin=pin)
        steps.append(f"{n + 1}:instance {instance_of(answer)} {answer.status_code}")
        codes.append(answer.status_code)
    say("wrong password  " + ", ".join(steps))
    locked = []
    for pin in "12":
        _page, page_answer = sign_in(requests.Session(), LOCK_USER, PASSWORD, pin=pin)
        api_answer = requests.post(
            f"{PROXY}/api/v1/auth/token/",
            json={"username": LOCK_USER, "password": PASSWORD},
            headers={"X-Instance": pin},
            timeout=TIMEOUT,
        )
        say(f"right password on instance {instance_of(page_answer)}: page {page_answer.status_code}, "
            f"token endpoint {api_answer.status_code} {api_answer.json().get('code', '')}")  # fmt: skip
        locked.append(page_answer.status_code == 429 and api_answer.status_code == 429)
    reset(username=LOCK_USER)
    RESULTS.append(
        (
            "login lockout",
            codes == [200] * (limit - 1) + [429] and all(locked),  # refused from the limit on, not before
            f"{limit} failures over instances 1,2,1,… locked the account: the right password refused (429) "
            f"on {'both instances' if all(locked) else 'instances ' + str(locked)}, page and token",
        )
    )


def task_counts() -> dict[str, Counter]:
    """{worker hostname: Counter(task name: tasks run since it started)} from the workers themselves."""
    stats = app.control.inspect(timeout=3).stats() or {}
    return {host: Counter(data.get("total", {})) for host, data in stats.items()}


def ran_since(before: dict, after: dict, task: str) -> dict[str, int]:
    return {host.split("@")[0]: after[host][task] - before.get(host, Counter())[task] for host in sorted(after)}


def free_month() -> date:
    """The latest payable month of assistance that has no batch yet (a new month each run)."""
    first, month = payable_months("assistance")
    taken = set(PaymentBatch.objects.filter(program="assistance").values_list("month", flat=True))
    while month in taken and month > first:
        month = date(month.year - 1, 12, 1) if month.month == 1 else month.replace(month=month.month - 1)
    assert month not in taken, "every payable month has a batch"
    return month


def check_payroll(token: str) -> None:
    month = free_month()
    print(f"\n3. Payroll idempotency: two builds of {month:%Y-%m} at once, one through each instance", flush=True)
    before = task_counts()
    barrier, answers = threading.Barrier(2), {}

    def request(pin: str) -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Token {token}", "X-Instance": pin})
        session.get(
            f"{PROXY}/api/v1/assistance/payroll-batches/?page_size=1", timeout=TIMEOUT
        ).raise_for_status()  # warm
        barrier.wait()
        sent = time.perf_counter()
        reply = session.post(
            f"{PROXY}/api/v1/assistance/payroll-batches/", json={"month": f"{month:%Y-%m}"}, timeout=TIMEOUT
        )
        answers[pin] = (reply, sent, time.perf_counter())

    threads = [threading.Thread(target=request, args=(pin,)) for pin in "12"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    start = min(sent for _r, sent, _e in answers.values())
    ids = set()
    for pin in "12":
        reply, sent, ended = answers[pin]
        body = reply.json()
        ids.add(body.get("id"))
        say(f"instance {instance_of(reply)}: sent at +{1000 * (sent - start):.1f} ms, answered "
            f"{reply.status_code} after {1000 * (ended - sent):.0f} ms: batch {body.get('id')} "
            f"{body.get('build_state')}")  # fmt: skip
    overlap = max(sent for _r, sent, _e in answers.values()) < min(ended for _r, _s, ended in answers.values())
    say("the two requests were " + ("in flight together" if overlap else "not in flight together (one ended first)"))
    batch_id = next(iter(ids))
    state, deadline = None, time.monotonic() + 180
    while state not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        reply = requests.get(
            f"{PROXY}/api/v1/assistance/payroll-batches/{batch_id}/",
            headers={"Authorization": f"Token {token}"},
            timeout=TIMEOUT,
        )
        state = reply.json().get("build_state")
    batches = PaymentBatch.objects.filter(program="assistance", month=month)
    count = batches.count()
    lines = batches.first().lines.count() if count else 0
    ran = ran_since(before, task_counts(), "assistance.build_payroll")
    builders = [host for host, n in ran.items() for _ in range(n)]
    say(f"build {state}; batches of {month:%Y-%m} in the database: {count} ({lines} lines); "
        f"builds run: {', '.join(f'{h} ×{n}' for h, n in ran.items())}")  # fmt: skip
    passed = (
        len(ids) == 1
        and all(answers[pin][0].status_code == 202 for pin in "12")
        and count == 1
        and state == "done"
        and len(builders) == 1
    )
    RESULTS.append(
        (
            "payroll idempotency",
            passed,
            f"2 requests for {month:%Y-%m} {'in flight together' if overlap else 'one after the other'} "
            f"(instances 1 and 2) -> {count} batch, "
            f"{len(builders)} build, run on {', '.join(builders) or 'no worker'}",
        )
    )


def check_workers(token: str) -> None:
    years = list(range(2020, 2026))
    print(f"\n4. Both workers consume: recompute jobs for {years[0]}-{years[-1]}", flush=True)
    headers = {"Authorization": f"Token {token}"}
    before = task_counts()
    say("workers answering: " + ", ".join(sorted(before)))
    jobs = []
    for year in years:
        reply = requests.post(
            f"{PROXY}/api/v1/indicators/recompute/", json={"year": year}, headers=headers, timeout=TIMEOUT
        )
        jobs.append((year, reply.status_code, reply.json()))
    states, deadline = {}, time.monotonic() + 300
    while time.monotonic() < deadline:
        for year, _status, body in jobs:
            if "status_url" in body and states.get(year) not in ("done", "failed"):
                states[year] = requests.get(body["status_url"], headers=headers, timeout=TIMEOUT).json().get("status")
        if len(states) == len(jobs) and all(s in ("done", "failed") for s in states.values()):
            break
        time.sleep(0.5)
    ran = ran_since(before, task_counts(), "indicators.recompute")
    say(f"jobs: {', '.join(f'{y} {s}' for y, s in sorted(states.items()))}")
    say(f"recomputes run: {', '.join(f'{h} ×{n}' for h, n in ran.items())}")
    passed = len(ran) == 2 and all(ran.values()) and all(s == "done" for s in states.values())
    RESULTS.append(
        (
            "both workers consume",
            passed,
            f"{len(jobs)} recompute jobs: " + ", ".join(f"{h} ran {n}" for h, n in ran.items()),
        )
    )


def main() -> int:
    print(f"Checks through nginx {PROXY} (instance 1 = {INSTANCES[0]}, instance 2 = {INSTANCES[1]})")
    for name, check in [
        ("sessions", check_sessions),
        ("login lockout", check_lockout),
        ("payroll idempotency", lambda: check_payroll(api_token("staff"))),
        ("both workers consume", lambda: check_workers(api_token("staff"))),
    ]:
        try:
            check()
        except Exception as exc:  # a check that breaks is a failed check, and the others still run
            RESULTS.append((name, False, f"{exc.__class__.__name__}: {exc}"))
    width = max(len(name) for name, _ok, _detail in RESULTS)
    print("\nSummary")
    print(f"  {'check':<{width}}  result  detail")
    for name, ok, detail in RESULTS:
        print(f"  {name:<{width}}  {'PASS' if ok else 'FAIL':<6}  {detail}")
    return 0 if all(ok for _name, ok, _detail in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
