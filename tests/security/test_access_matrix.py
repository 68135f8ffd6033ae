"""The access matrix, generated rather than listed (issue 15, item 1).

Every API operation comes from the generated OpenAPI schema and every page from config.urls'
resolver, so an endpoint or page added tomorrow is walked the day it appears; one the matrix cannot
address (no record to point it at, no value for a URL argument) fails the coverage test instead of
being skipped. For each role (conftest.ROLES) it checks:

- anonymous: 401/403 on the API, a redirect to the login page on pages, except what is public by
  design (PUBLIC_API, PUBLIC_PAGES below);
- a township officer or village assistant never reads, lists or writes the other township's records:
  404 on its detail (API and pages), none of its people or records in any list, a refused write
  (create, update, action) with nothing written;
- a leader and an API client never write (403/405 on the API; refused on pages), nothing written;
- a role without the full-ID right never receives an ID number, a person's full name or a phone
  number, in any response body or export.

Writes are tried inside a savepoint that is rolled back, and "nothing written" is read from
PostgreSQL's own counters for the transaction (pg_stat_xact_user_tables), so it covers every table."""

import io
import re
import time
import zipfile

import pytest
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from stdnum.cn import ric

from tests.factories import HONGLAI, SHUITOU
from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db

OTHER = {HONGLAI: SHUITOU, SHUITOU: HONGLAI}
TOWNSHIP_USERS = {k: t for k, _r, t in ROLES if t}
READERS = ("leader", "api_client")  # hold no write right and no full-personal-data right
WRITE_METHODS = ("post", "put", "patch", "delete")

# --- What is public by design -------------------------------------------------------------------
#: API operations anyone may call without signing in.
PUBLIC_API = {
    ("post", "/api/v1/auth/token/"),  # the login door of REST clients
    # 社会组织活动异常名录 / 严重违法失信名单: published to the public by regulation (民政部令第60号)
    ("get", "/api/v1/orgs/abnormal-list/"),
    ("get", "/api/v1/orgs/abnormal-list/{id}/"),
    ("get", "/api/v1/orgs/dishonest-list/"),
    ("get", "/api/v1/orgs/dishonest-list/{id}/"),
}
#: Pages anyone may open without signing in.
PUBLIC_PAGES = {
    "login",
    "logout",
    "healthz",  # the load balancer's probe
    "set_language",  # the language switch of the login page
    "orgs:public_abnormal",  # the same two public lists as pages
    "orgs:public_dishonest",
}
#: Pages about the signed-in user's own session or account, not records: no matrix rule applies.
OWN_ACCOUNT_PAGES = {"login", "logout", "password_change", "set_language", "healthz"}
#: City-wide reference data every role may read in full (all 26 townships by nature).
CITY_REFERENCE_API = {
    "/api/v1/divisions/",
    "/api/v1/divisions/{code}/",
    "/api/v1/orgs/abnormal-list/",  # public lists: all townships by design
    "/api/v1/orgs/abnormal-list/{id}/",
    "/api/v1/orgs/dishonest-list/",
    "/api/v1/orgs/dishonest-list/{id}/",
}

# --- How to address pages whose URL takes arguments ----------------------------------------------
#: url name -> the model of its <pk> (township-scoped: one record per township in the world).
PAGE_OBJECTS = {
    "core:person_detail": "core.Person",
    "core:person_edit": "core.Person",
    "core:person_household_create": "core.Person",
    "core:household_detail": "core.Household",
    "core:household_edit": "core.Household",
    "core:household_member_add": "core.Household",
    "core:household_member_remove": "core.Household",
    "core:import_job": "core.ImportJob",
    "core:import_bad_rows": "core.ImportJob",
    "assistance:case_detail": "assistance.Case",
    "assistance:case_act": "assistance.Case",
    "assistance:case_income": "assistance.Case",
    "assistance:case_document_upload": "assistance.Case",
    "assistance:refusal_notice": "assistance.Case",
    "assistance:rescue_detail": "assistance.Rescue",
    "assistance:rescue_edit": "assistance.Rescue",
    "funeral:record_detail": "funeral.DeathRecord",
    "funeral:record_edit": "funeral.DeathRecord",
    "funeral:facility_edit": "funeral.Facility",
    "funeral:tomb_edit": "funeral.TombCase",
    "orgs:organisation_detail": "orgs.Organisation",
    "orgs:organisation_edit": "orgs.Organisation",
    "orgs:organisation_action": "orgs.Organisation",
    "orgs:list_entry_remove": "orgs.ListEntry",
    "orgs:list_entry_confirm": "orgs.ListEntry",
    "orgs:station_edit": "orgs.SocialWorkStation",
    "orgs:facility_edit": "orgs.CommunityFacility",
    "childwelfare:child_detail": "childwelfare.Child",
    "childwelfare:child_edit": "childwelfare.Child",
    "childwelfare:child_close": "childwelfare.Child",
    "childwelfare:category_create": "childwelfare.Child",
    "childwelfare:visit_create": "childwelfare.Child",
    "childwelfare:recognition_create": "childwelfare.Child",
    "childwelfare:category_end": "childwelfare.ChildCategory",
    "childwelfare:recognition_detail": "childwelfare.Recognition",
    "childwelfare:recognition_act": "childwelfare.Recognition",
    "childwelfare:station_edit": "childwelfare.Station",
    "childwelfare:carer_create": "childwelfare.Child",
    "childwelfare:assessment_create": "childwelfare.Child",
    "childwelfare:carer_end": "childwelfare.Carer",
    "childwelfare:carer_agreement": "childwelfare.Carer",
    "eldercare:institution_detail": "eldercare.Institution",
    "eldercare:institution_edit": "eldercare.Institution",
    "eldercare:bed_count_add": "eldercare.Institution",
    "eldercare:facility_edit": "eldercare.CommunityFacility",
    "eldercare:person": "elder",  # an older person (the world's "elder" records)
    "eldercare:subsidy_enroll": "elder",
    "eldercare:subsidy_action": "eldercare.Subsidy",
    "assistance:document_download": "assistance.CaseDocument",
    "childwelfare:worker_edit": "childwelfare.ChildWorker",
    "eldercare:visit_record": "elder",
    "eldercare:visit_target_add": "elder",
    "eldercare:visit_target_end": "eldercare.VisitTarget",
    "eldercare:listing_add": "eldercare.Institution",
    "eldercare:listing_remove": "eldercare.InstitutionListing",
    "eldercare:adaptation_step": "eldercare.HomeAdaptation",
    "eldercare:adaptation_apply": "elder",
}
#: url name -> its pk is a city-wide record (not a township's): the model to take one from.
PAGE_CITY_OBJECTS = {
    "indicators:run_status": "indicators.RecomputeRun",
    "assistance:payroll_detail": "core.PaymentBatch",
    "assistance:payroll_approve": "core.PaymentBatch",
    "assistance:payroll_bank_file": "core.PaymentBatch",
    "childwelfare:allowance_detail": "core.PaymentBatch",
    "childwelfare:allowance_approve": "core.PaymentBatch",
    "childwelfare:allowance_bank_file": "core.PaymentBatch",
    "funeral:category_remove": "funeral.WaiverEligibleCategory",
    "eldercare:subsidy_batch": "core.PaymentBatch",
    "eldercare:subsidy_batch_approve": "core.PaymentBatch",
    "eldercare:subsidy_bank_file": "core.PaymentBatch",
    "eldercare:subsidy_batch_export": "core.PaymentBatch",
}
#: url name -> the other arguments of its URL (besides pk); ("record", label) = that township's record.
PAGE_ARGS = {
    "core:import_upload": {"kind": "people"},
    "core:import_template": {"kind": "people"},
    "core:household_member_remove": {"member_pk": ("record", "core.HouseholdMember")},
    "indicators:detail": {"no": 1},
    "indicators:manual_value": {"no": 1},
    "indicators:report": {"year": "2024", "fmt": "xlsx"},
    "assistance:case_act": {"action": "accept"},
    "orgs:organisation_action": {"action": "report"},
    "childwelfare:recognition_act": {"action": "verify"},
    "eldercare:subsidy_action": {"action": "end"},
}
#: Pages that answer 404 for any record not in one state (a rejected import with its file): the
#: city-level check accepts 404 there; the township checks still require it.
PAGE_STATEFUL = {"core:import_bad_rows"}
#: API path parameters that name city-wide records: name -> (model, lookup field).
API_CITY_PARAMS = {
    "code": ("core.Division", "code"),
    "no": ("indicators.Indicator", "no"),
    "group": ("eldercare.VisitInterval", "group"),
}
#: API paths whose {no} is a key project rather than an indicator.
API_PARAM_MODEL = {"/api/v1/indicators/projects/{no}/": ("indicators.KeyProject", "no")}
#: Tables written by reading (sessions, the personal-data access log, login records): not "writes".
BOOKKEEPING_TABLES = re.compile(r"^(django_session|core_accesslog|axes_.*|authtoken_token)$")

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
PHONE_LIKE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


# --- Enumeration ---------------------------------------------------------------------------------
def api_operations(schema):
    return [(method, path) for path, ops in sorted(schema["paths"].items()) for method in ops]


def page_patterns():
    """(route, url name, converters) of every page: everything but the API and the Django admin."""

    def walk(resolver, prefix="", namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), f"{namespace}{p.name}", p.pattern

    out = []
    for route, name, pattern in walk(get_resolver()):
        if route.startswith(("api/", "admin/")):
            continue
        args = list(getattr(pattern, "converters", {}) or {}) or list(re.compile(str(pattern)).groupindex)
        out.append((route, name, args))
    return out


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def api_model(path):
    """The model behind an API path (its view's queryset), or None for views without one."""
    concrete = re.sub(r"\{[^}]+\}", "1", path)
    view = resolve(concrete).func
    cls = getattr(view, "cls", None)
    queryset = getattr(cls, "queryset", None)
    return queryset.model._meta.label if queryset is not None else None


# --- Reading responses ---------------------------------------------------------------------------
def body_text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # xlsx (or any zip): the text of every part
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            raw = b" ".join(z.read(n) for n in z.namelist() if n.endswith((".xml", ".csv", ".txt")))
    return raw.decode("utf-8", errors="replace")


def personal_data_in(text, world) -> list[str]:
    """What of people's data the text shows in full."""
    found = [f"ID {m}" for m in ID_LIKE.findall(text) if ric.is_valid(m.upper())]
    found += [f"ID {v}" for v in world.id_numbers if v in text and f"ID {v}" not in found]
    found += [f"name {n}" for n in world.names if n in text]
    found += [f"phone {m}" for m in set(PHONE_LIKE.findall(text)) | {p for p in world.phones if p in text}]
    return sorted(set(found))


class ServerError:
    """What a request that raised looks like to the matrix: a 500 naming the exception."""

    status_code = 500
    streaming = False

    def __init__(self, exc):
        self.content = f"{type(exc).__name__}: {exc}".encode()

    def get(self, _header, default=""):
        return default


def safely(call):
    """A request in a savepoint of its own (rolled back: reads leave nothing behind, and a
    database error in one request cannot break the next); an exception becomes a ServerError."""
    try:
        with transaction.atomic():
            try:
                return call()
            finally:
                transaction.set_rollback(True)
    except Exception as exc:
        return ServerError(exc)


def writes_counter():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: n for name, n in cursor.fetchall() if n and not BOOKKEEPING_TABLES.match(name)}


def attempt(call):
    """Run a request that must not write inside a savepoint rolled back afterwards; return the
    response (or the exception it raised) and the tables it wrote to."""
    before = writes_counter()
    response = None
    try:
        with transaction.atomic():
            try:
                response = call()
            except Exception as exc:  # a 500 in the test client: reported as such
                response = exc
            finally:
                transaction.set_rollback(True)
    finally:
        after = writes_counter()
    written = sorted(t for t, n in after.items() if n != before.get(t, 0))
    return response, written


def status_of(response):
    return getattr(response, "status_code", f"500 ({type(response).__name__}: {response})")


def describe(response):
    if not hasattr(response, "status_code"):
        return status_of(response)
    text = body_text(response) if response.status_code != 302 else response.get("Location", "")
    return f"{response.status_code} {text[:200]!r}"


# --- Addressing ----------------------------------------------------------------------------------
class Matrix:
    def __init__(self, world, clients, schema):
        self.world, self.clients, self.schema = world, clients, schema
        self.failures: list[str] = []
        self.uncovered: list[str] = []
        self.cells = 0
        self.ops = api_operations(schema)
        self.pages = page_patterns()
        self._api_urls, self._page_urls, self._post_only = {}, {}, {}

    def fail(self, role, what, message):
        self.failures.append(f"[{role}] {what}: {message}")

    # The API
    def api_urls(self, path):
        """{township or None: concrete path} for a path, or None when the matrix cannot address it."""
        if path not in self._api_urls:
            self._api_urls[path] = self._address(path)
        return self._api_urls[path]

    def _address(self, path):
        params = re.findall(r"\{([^}]+)\}", path)
        if not params:
            return {None: path}
        if len(params) > 1:
            return None
        param = params[0]
        if path in API_PARAM_MODEL or param in API_CITY_PARAMS:
            label, field = API_PARAM_MODEL.get(path) or API_CITY_PARAMS[param]
            value = _model(label).objects.values_list(field, flat=True).order_by(field).first()
            return None if value is None else {None: path.replace(f"{{{param}}}", str(value))}
        label = api_model(path)
        if label is None:
            return None
        per_township = self.world.objects.get(label, {})
        if HONGLAI in per_township and SHUITOU in per_township:
            return {
                t: path.replace(f"{{{param}}}", str(self.addressable(path, param, per_township[t])))
                for t in (HONGLAI, SHUITOU)
            }
        pk = _model(label).objects.values_list("pk", flat=True).order_by("pk").first()
        return None if pk is None else {None: path.replace(f"{{{param}}}", str(pk))}

    def addressable(self, path, param, candidates):
        """The first of a township's records the path's detail shows staff (a list may hold only
        some of a model's records: the dishonest list, decided entries only)."""
        if len(candidates) == 1:
            return candidates[0]
        detail = path[: path.index(f"{{{param}}}") + len(param) + 3]
        for pk in candidates:
            if self.clients["staff"][0].get(detail.replace(f"{{{param}}}", str(pk))).status_code == 200:
                return pk
        return candidates[0]

    def api_call(self, role, method, url, data=None):
        api, _page = self.clients[role]
        self.cells += 1
        if method == "get":
            return self._never_stored(role, url, safely(lambda: api.get(url)))
        return self._never_stored(role, url, safely(lambda: getattr(api, method)(url, data or {}, format="json")))

    def _never_stored(self, role, url, response):
        """Whatever a signed-in user receives (a record, a refusal, an export) no browser or proxy keeps."""
        signed_in = role != "anonymous" and hasattr(response, "status_code")
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            self.fail(role, f"{url} ({response.status_code})", f"Cache-Control: {response.get('Cache-Control')!r}")
        return response

    def staff_view(self, url):
        """A record as staff reads it: a well-formed body for write attempts."""
        response = self.clients["staff"][0].get(url)
        if response.status_code == 200 and isinstance(response.json(), dict):
            return {k: v for k, v in response.json().items() if k != "id"}
        return {}

    def detail_of(self, path):
        """The detail path of a collection path, when the schema has one."""
        for method, other in self.ops:
            if method == "get" and other.startswith(path) and re.fullmatch(r"\{[^}]+\}/", other[len(path) :]):
                return other
        return None

    # Pages
    def page_urls(self, name, args):
        """{township or None: url} for a page, or None when the matrix cannot address it."""
        if name not in self._page_urls:
            self._page_urls[name] = self._page_address(name, args)
        return self._page_urls[name]

    def _page_address(self, name, args):
        from django.urls import reverse

        extra = dict(PAGE_ARGS.get(name, {}))
        townships = [None]
        if "pk" in args:
            label = PAGE_OBJECTS.get(name) or PAGE_CITY_OBJECTS.get(name)
            if label is None:
                return None
            if name in PAGE_OBJECTS:
                townships = [HONGLAI, SHUITOU]
        urls = {}
        for t in townships:
            kwargs = {}
            for arg in sorted(args, key=lambda a: a == "pk"):  # the pk last: finding one uses the rest
                if arg == "pk":
                    label = PAGE_OBJECTS.get(name) or PAGE_CITY_OBJECTS[name]
                    if t is None:
                        kwargs["pk"] = self.city_record(name, label, kwargs)
                    else:
                        kwargs["pk"] = self.world.objects.get(label, {}).get(t, [None])[0]
                elif arg in extra:
                    value = extra[arg]
                    if isinstance(value, tuple):
                        value = self.world.objects.get(value[1], {}).get(t, [None])[0]
                    kwargs[arg] = value
                else:
                    return None
            if any(v is None for v in kwargs.values()):
                return None
            urls[t] = reverse(name, kwargs=kwargs)
        return urls

    def post_only(self, name, url):
        """Does the page answer GET with 405 (a form's target)? Asked once, as staff."""
        if name not in self._post_only:
            self._post_only[name] = self.clients["staff"][1].get(url).status_code == 405
        return self._post_only[name]

    def city_record(self, name, label, kwargs):
        """The first city-wide record whose page staff can open (each programme's payroll pages
        show only its own batches), else the first."""
        from django.urls import reverse

        pks = list(_model(label).objects.values_list("pk", flat=True).order_by("pk")[:10])
        for pk in pks:
            url = reverse(name, kwargs={**kwargs, "pk": pk})
            if self.clients["staff"][1].get(url).status_code != 404:
                return pk
        return pks[0] if pks else None

    def page_call(self, role, method, url):
        _api, page = self.clients[role]
        self.cells += 1
        return self._never_stored(role, url, safely(lambda: page.get(url) if method == "get" else page.post(url, {})))


@pytest.fixture(scope="module")
def walker(world, clients, schema, request):
    """The matrix, walked by the tests below; its size is written to the terminal at the end
    (also without -s)."""
    started = time.perf_counter()
    matrix = Matrix(world, clients, schema)
    yield matrix
    line = (
        f"access matrix walked: {len(matrix.ops)} API operations x {len(matrix.pages)} pages x {len(ROLES)} roles, "
        f"{matrix.cells} requests in {time.perf_counter() - started:.0f} s"
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")
    else:
        print(line)


@pytest.fixture
def matrix(walker):
    walker.failures = []
    return walker


def report(matrix, title):
    if matrix.failures:
        pytest.fail(f"{title}: {len(matrix.failures)} hole(s)\n" + "\n".join(matrix.failures), pytrace=False)


# --- The tests -----------------------------------------------------------------------------------
def test_every_operation_and_page_is_covered_by_the_matrix(matrix):
    """No silent skip: an API operation or page the matrix cannot address fails here, naming it."""
    uncovered = []
    for method, path in matrix.ops:
        if matrix.api_urls(path) is None:
            uncovered.append(f"API {method.upper()} {path}: no record to address it (add one to the world)")
    for route, name, args in matrix.pages:
        if args and matrix.page_urls(name, args) is None:
            uncovered.append(f"page {name} ({route}): add it to PAGE_OBJECTS / PAGE_CITY_OBJECTS / PAGE_ARGS")
    township_pages = [n for _r, n, a in matrix.pages if "pk" in a and n in PAGE_OBJECTS]
    print(
        f"\naccess matrix: {len(matrix.ops)} API operations, {len(matrix.pages)} pages "
        f"({len(township_pages)} addressing a township's record), {len(ROLES)} roles"
    )
    assert not uncovered, "the access matrix does not cover:\n" + "\n".join(uncovered)


def test_anonymous_gets_401_or_403_on_the_api_and_the_login_page_on_pages(matrix):
    started, cells = time.perf_counter(), matrix.cells
    for method, path in matrix.ops:
        for url in (matrix.api_urls(path) or {}).values():
            if (method, path) in PUBLIC_API:
                continue
            response, written = attempt(lambda m=method, u=url: matrix.api_call("anonymous", m, u))
            if status_of(response) not in (401, 403) or written:
                matrix.fail("anonymous", f"{method.upper()} {url}", f"{describe(response)} wrote {written}")
    for route, name, args in matrix.pages:
        if name in PUBLIC_PAGES:
            continue
        for url in (matrix.page_urls(name, args) or {}).values() if args else [f"/{route}"]:
            for method in ("get", "post"):
                response, written = attempt(lambda m=method, u=url: matrix.page_call("anonymous", m, u))
                location = getattr(response, "get", lambda *_: "")("Location", "") or ""
                if status_of(response) != 302 or "/accounts/login/" not in location or written:
                    matrix.fail("anonymous", f"page {method.upper()} {url} ({name})", f"{describe(response)} {written}")
    print(f"\nanonymous: {matrix.cells - cells} requests in {time.perf_counter() - started:.1f} s")
    report(matrix, "anonymous")


def test_public_lists_show_no_personal_data_to_anyone(matrix):
    for method, path in sorted(PUBLIC_API):
        if method != "get":
            continue
        for url in (matrix.api_urls(path) or {}).values():
            response = matrix.api_call("anonymous", "get", url)
            leaks = personal_data_in(body_text(response), matrix.world)
            if response.status_code != 200 or leaks:
                matrix.fail("anonymous", f"GET {url}", f"{describe(response)} leaks {leaks}")
    report(matrix, "public lists")


@pytest.mark.parametrize("role", sorted(TOWNSHIP_USERS))
def test_a_township_user_never_reads_lists_or_writes_the_other_townships_records(matrix, role):
    started, cells = time.perf_counter(), matrix.cells
    own = TOWNSHIP_USERS[role]
    other = OTHER[own]
    world = matrix.world
    # Everything of the other township's people that would show they were read.
    other_people = _model("core.Person").objects.filter(township_id=other)
    other_secrets = {p.name for p in other_people} | {p.id_number for p in other_people} | {other}
    for method, path in matrix.ops:
        urls = matrix.api_urls(path) or {}
        if path in CITY_REFERENCE_API:
            continue
        if method == "get":
            for t, url in urls.items():
                if t == own:  # its own records answer 200: the city-level test proves they are addressable
                    continue
                response = matrix.api_call(role, "get", url)
                status = response.status_code
                if t == other and status not in (404, 403):
                    matrix.fail(role, f"GET {url} (a {other} record)", describe(response))
                elif t == other and status == 403 and matrix.api_call(role, "get", urls[own]).status_code != 403:
                    matrix.fail(
                        role, f"GET {url} (a {other} record)", "403 where its own township's answers: discloses"
                    )
                elif status == 200:
                    text = body_text(response)
                    seen = sorted(s for s in other_secrets if s in text)
                    if seen:
                        matrix.fail(role, f"GET {url}", f"shows the other township's {seen}")
                elif status >= 500:
                    matrix.fail(role, f"GET {url}", describe(response))
            continue
        if other in urls:  # update / action / delete on the other township's record
            body = matrix.staff_view(urls[other]) if method in ("put", "patch") else {}
            response, written = attempt(lambda m=method, u=urls[other], b=body: matrix.api_call(role, m, u, b))
            # Refused: 404 (its existence not disclosed), 403/405, or 400 for a body the matrix cannot
            # make valid for every action; never a success, never a write.
            if status_of(response) not in (400, 403, 404, 405) or written:
                matrix.fail(
                    role, f"{method.upper()} {urls[other]} (a {other} record)", f"{describe(response)} wrote {written}"
                )
        elif None in urls and method == "post" and not re.search(r"\{", path):
            label = api_model(path)
            per_township = world.objects.get(label or "", {})
            detail = matrix.detail_of(path)
            if other not in per_township or detail is None:
                continue  # a city-wide resource: township rights are another matrix
            body = matrix.staff_view(
                detail.replace(re.search(r"\{[^}]+\}", detail).group(0), str(per_township[other][0]))
            )
            response, written = attempt(lambda u=path, b=body: matrix.api_call(role, "post", u, b))
            status = status_of(response)
            if not isinstance(status, int) or status < 400 or status >= 500 or written:
                matrix.fail(role, f"POST {path} with a {other} record's data", f"{describe(response)} wrote {written}")
    for route, name, args in matrix.pages:
        if name in OWN_ACCOUNT_PAGES:
            continue
        if "pk" in args and name in PAGE_OBJECTS:
            urls = matrix.page_urls(name, args) or {}
            if other not in urls:
                continue
            for method in ("get", "post"):
                if method == "get" and matrix.post_only(name, urls[HONGLAI]):
                    continue
                response, written = attempt(lambda m=method, u=urls[other]: matrix.page_call(role, m, u))
                if status_of(response) not in (404, 403, 405) or written:
                    matrix.fail(
                        role,
                        f"page {method.upper()} {urls[other]} ({name}, a {other} record)",
                        f"{describe(response)} wrote {written}",
                    )
        elif not args:
            response = matrix.page_call(role, "get", f"/{route}")
            if response.status_code == 200:
                text = body_text(response)
                seen = sorted(s for s in other_secrets - {other} if s in text)
                if seen:
                    matrix.fail(role, f"page GET /{route} ({name})", f"shows the other township's {seen}")
            elif response.status_code >= 500:
                matrix.fail(role, f"page GET /{route} ({name})", describe(response))
    print(f"\n{role}: {matrix.cells - cells} requests in {time.perf_counter() - started:.1f} s")
    report(matrix, role)


@pytest.mark.parametrize("role", READERS)
def test_leaders_and_api_clients_never_write_and_never_see_personal_data_in_full(matrix, role):
    started, cells = time.perf_counter(), matrix.cells
    for method, path in matrix.ops:
        for url in (matrix.api_urls(path) or {}).values():
            if method == "get":
                response = matrix.api_call(role, "get", url)
                if response.status_code >= 500:
                    matrix.fail(role, f"GET {url}", describe(response))
                elif response.status_code == 200:
                    leaks = personal_data_in(body_text(response), matrix.world)
                    if leaks:
                        matrix.fail(role, f"GET {url}", f"shows in full: {leaks}")
                continue
            if (method, path) in PUBLIC_API:
                continue
            body = matrix.staff_view(url) if method in ("put", "patch") else {}
            response, written = attempt(lambda m=method, u=url, b=body: matrix.api_call(role, m, u, b))
            if status_of(response) not in (403, 405) or written:
                matrix.fail(role, f"{method.upper()} {url}", f"{describe(response)} wrote {written}")
    for route, name, args in matrix.pages:
        if name in OWN_ACCOUNT_PAGES:
            continue
        urls = (matrix.page_urls(name, args) or {}) if args else {None: f"/{route}"}
        for n, url in enumerate(urls.values()):
            response = matrix.page_call(role, "get", url)
            if status_of(response) == 200:
                leaks = personal_data_in(body_text(response), matrix.world)
                if leaks:
                    matrix.fail(role, f"page GET {url} ({name})", f"shows in full: {leaks}")
            elif status_of(response) >= 500:
                matrix.fail(role, f"page GET {url} ({name})", describe(response))
            if n:  # one record's page is enough to prove the role cannot post to it
                continue
            response, written = attempt(lambda u=url: matrix.page_call(role, "post", u))
            # A page answers a reader's post as it likes (403, 405, the form again): it must write nothing.
            if written or status_of(response) >= 500:
                matrix.fail(role, f"page POST {url} ({name})", f"{describe(response)} wrote {written}")
    print(f"\n{role}: {matrix.cells - cells} requests in {time.perf_counter() - started:.1f} s")
    report(matrix, role)


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_city_level_users_reach_every_record_of_both_townships(matrix, role):
    """The other half of the proof: the records the township users are refused exist and answer
    200 to the city, so a 404 above is the jurisdiction, not a wrong address."""
    for method, path in matrix.ops:
        if method != "get":
            continue
        for t, url in (matrix.api_urls(path) or {}).items():
            if t is None:
                continue
            response = matrix.api_call(role, "get", url)
            if response.status_code != 200:
                matrix.fail(role, f"GET {url} (a {t} record)", describe(response))
    for _route, name, args in matrix.pages if role == "staff" else ():  # the admin's pages: as staff's
        if "pk" in args and name in PAGE_OBJECTS:
            for t, url in (matrix.page_urls(name, args) or {}).items():
                response = matrix.page_call(role, "get", url)
                if status_of(response) not in (200, 302, 405) and not (
                    name in PAGE_STATEFUL and status_of(response) == 404
                ):
                    matrix.fail(role, f"page GET {url} ({name}, a {t} record)", describe(response))
    report(matrix, role)
