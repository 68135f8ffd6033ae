import datetime
import os
from decimal import Decimal

import pytest
from django.test import Client

from core.models import Division
from core.roles import Role
from core.services.users import user_create
from tests.factories import HONGLAI, SHUITOU, HouseholdFactory, PersonFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a user of an earlier test may have had the same id
    (the menu and the permission sets are cached per user)."""
    from django.core.cache import cache

    cache.clear()


PASSWORD = "Correct-horse-9"


def _broker_of_this_worker():
    """Under pytest-xdist every test process gets a Redis database of its own: Celery's broadcast
    (the worker ping `/healthz` sends) reaches every worker on one database, so a test expecting
    "no worker" would otherwise see the worker another process started."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    if worker.startswith("gw"):
        base, _, db = url.rpartition("/")
        db = (int(db or 0) - int(worker[2:])) % 16
        os.environ["TEST_BROKER_URL"] = f"{base}/{db}"


_broker_of_this_worker()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: str, township: str | None = None, username: str | None = None):
        return user_create(
            username=username or f"{role}{next(counter)}", password=PASSWORD, role=role, township_code=township
        )

    return make


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER)


@pytest.fixture
def officer(make_user):
    """A township officer of 洪濑镇."""
    return make_user(Role.TOWNSHIP_OFFICER, HONGLAI)


@pytest.fixture
def assistant(make_user):
    """A village assistant of 洪濑镇."""
    return make_user(Role.VILLAGE_ASSISTANT, HONGLAI)


@pytest.fixture
def api_client_user(make_user):
    return make_user(Role.API_CLIENT)


@pytest.fixture
def client_for():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def honglai(db):
    return Division.objects.get(code=HONGLAI)


@pytest.fixture
def shuitou(db):
    return Division.objects.get(code=SHUITOU)


@pytest.fixture
def honglai_household(honglai):
    return HouseholdFactory(head=PersonFactory(township=honglai, name="陈志明"))


@pytest.fixture
def shuitou_household(shuitou):
    return HouseholdFactory(head=PersonFactory(township=shuitou, name="林建国"))


def pytest_configure(config):
    from django.conf import settings

    # WhiteNoise looks for STATIC_ROOT at start-up; tests serve static files from the finders.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def standards(db):
    """Assistance standards: the plan's 2020 rows exist (post_migrate); add what the plan leaves to the bureau."""
    from assistance.models import Standard

    Standard.objects.create(
        kind=Standard.Kind.MINIMUM_WAGE, amount=Decimal("1720"), effective_from=datetime.date(2020, 1, 1)
    )
    Standard.objects.create(
        kind=Standard.Kind.TEMPORARY_MULTIPLE, amount=Decimal("3"), effective_from=datetime.date(2020, 1, 1)
    )
    return Standard.objects.all()


@pytest.fixture(scope="session")
def schema():
    """The OpenAPI schema as generated (the contract REST clients read); see tests/api_schema.py."""
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)
