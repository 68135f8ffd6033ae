"""The portal under load (issue 15, item 5): a locustfile run by `make load` (scripts/load.sh), which
serves the portal with gunicorn as in the README's production run and drives it on loopback.

Each simulated user signs in as their own role, with the demo accounts (password Nanan-demo-2025):
- township officers (洪濑镇 and 水头镇): the review queue, the case list and a case of their township,
  the people list filtered by name;
- bureau staff: the case list of a township, a case page, the people list, the funeral records;
- a leader: the indicator dashboard and an indicator's page;
- a REST client (token): the people and cases lists of a township, and one case.
Case ids are read from the API once per user (their own township's), so every request is one a
user of that role would make, and an error (a 4xx or 5xx) is counted as a failure.

The figures are a steady window of LOAD_SECONDS that starts when the last user has signed in (each
sign-in is a deliberate ~0.5 s password hash, so with many users the sign-ins run on after the last
user started): the statistics are reset then, LOAD_READY_FILE is written for the probe
(bench/load_probe.py) to start its window with them, and the run stops LOAD_SECONDS later."""

import os
import random
import re
from pathlib import Path

import gevent
from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Nanan-demo-2025")
HONGLAI, SHUITOU = "350583113", "350583119"
SURNAMES = "陈林黄王李张吴刘蔡郑"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WINDOW_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
READY_FILE = os.environ.get("LOAD_READY_FILE")
_signed_in = _failed = 0


def _signed_in_now(user: HttpUser, *, failed: bool) -> None:
    """Count a user whose sign-in (and setup) is over; the last one starts the steady window. A user
    whose sign-in failed has stopped (locust ends a user whose on_start raises), and the reset clears
    its error: the ready file says how many, for scripts/load.sh to report."""
    global _signed_in, _failed
    _signed_in += 1
    _failed += failed
    runner = user.environment.runner
    if _signed_in != runner.target_user_count:
        return
    runner.stats.reset_all()
    if READY_FILE:
        Path(READY_FILE).write_text(f"failed {_failed}\n" if _failed else "ready\n", encoding="ascii")
    gevent.spawn_later(WINDOW_SECONDS, runner.quit)


class _Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""
    township = HONGLAI

    def on_start(self):
        failed = True
        try:
            page = self.client.get("/accounts/login/", name="login page")
            token = _CSRF.search(page.text).group(1)
            self.client.post(
                "/accounts/login/",
                {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{self.host}/accounts/login/"},
                name="login",
            )
            cases = self.client.get(
                "/api/v1/assistance/cases/",
                params={"township": self.township, "page_size": 50},
                name="setup: case ids",
            )
            self.case_ids = [row["id"] for row in cases.json()["results"]] or [0]
            failed = False
        finally:  # a failed sign-in must not hold the window back
            _signed_in_now(self, failed=failed)

    def case(self):
        self.client.get(f"/assistance/cases/{random.choice(self.case_ids)}/", name="/assistance/cases/[id]/")


class TownshipOfficer(_Signed):
    weight = 4
    username = "officer"

    @task(3)
    def review_queue(self):
        self.client.get("/assistance/", name="/assistance/ (review queue)")

    @task(2)
    def case_list(self):
        self.client.get("/assistance/cases/", params={"state": "accepted"}, name="/assistance/cases/?state=")

    @task(3)
    def case_page(self):
        self.case()

    @task(2)
    def people(self):
        self.client.get("/core/people/", params={"q": random.choice(SURNAMES)}, name="/core/people/?q=")


class ShuitouOfficer(TownshipOfficer):
    weight = 2
    username = "officer_shuitou"
    township = SHUITOU


class BureauStaff(_Signed):
    weight = 3
    username = "staff"

    @task(2)
    def case_list(self):
        self.client.get("/assistance/cases/", params={"township": self.township}, name="/assistance/cases/?township=")

    @task(2)
    def case_page(self):
        self.case()

    @task(2)
    def people(self):
        self.client.get("/core/people/", name="/core/people/")

    @task(1)
    def funeral(self):
        self.client.get("/funeral/records/", name="/funeral/records/")


class Leader(_Signed):
    weight = 1
    username = "leader"

    @task(3)
    def dashboard(self):
        self.client.get("/indicators/", name="/indicators/ (dashboard)")

    @task(1)
    def indicator(self):
        self.client.get(f"/indicators/{random.choice([1, 7, 8, 9])}/", name="/indicators/[no]/")


class RestClient(HttpUser):
    """One system pulling data with the api account's token, over several connections: the token is
    asked for once (or by the few users that start while it is being asked), as a real client keeps
    it: the token endpoint allows 20 a minute per process, and 40 users each asking were refused."""

    weight = 2
    wait_time = between(0.5, 1.5)
    token = None

    def on_start(self):
        failed = True
        try:
            if RestClient.token is None:
                RestClient.token = self.client.post(
                    "/api/v1/auth/token/", json={"username": "api", "password": PASSWORD}, name="token"
                ).json()["token"]
            self.client.headers["Authorization"] = f"Token {RestClient.token}"
            cases = self.client.get("/api/v1/assistance/cases/", params={"page_size": 50}, name="setup: case ids")
            self.case_ids = [row["id"] for row in cases.json()["results"]] or [0]
            failed = False
        finally:  # a failed sign-in must not hold the window back
            _signed_in_now(self, failed=failed)

    @task(2)
    def people(self):
        self.client.get("/api/v1/people/", params={"township": HONGLAI}, name="/api/v1/people/?township=")

    @task(2)
    def cases(self):
        self.client.get("/api/v1/assistance/cases/", params={"township": SHUITOU}, name="/api/v1/assistance/cases/")

    @task(1)
    def case(self):
        self.client.get(
            f"/api/v1/assistance/cases/{random.choice(self.case_ids)}/", name="/api/v1/assistance/cases/[id]/"
        )
