import datetime

import pytest
from rest_framework.test import APIClient
from stdnum.cn import uscc

from core.models import Division
from orgs.services.organisations import organisation_create
from tests.factories import HONGLAI, SHUITOU

D = datetime.date
TYPE_CHAR = {"association": "1", "social_service_agency": "2", "foundation": "3"}


def credit_code(org_type: str = "association", serial: int = 1, authority: str = "5") -> str:
    """A code with a valid check character (authority 5 = civil affairs unless told otherwise)."""
    body = f"{authority}{TYPE_CHAR.get(org_type, '9')}350583MJ{serial:07d}"
    return body + uscc.calc_check_digit(body)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def make_org(staff):
    serials = iter(range(1, 10_000))

    def make(name=None, *, township=HONGLAI, org_type="association", registered_on=None, **extra):
        n = next(serials)
        return organisation_create(
            user=staff, name=name or f"南安市测试协会{n}", credit_code=credit_code(org_type, n), type=org_type,
            registered_on=registered_on or D(2015, 3, 1), township=Division.objects.get(code=township), **extra,
        )  # fmt: skip

    return make


@pytest.fixture
def honglai_org(make_org):
    return make_org("南安市洪濑镇老年人协会", township=HONGLAI)


@pytest.fixture
def shuitou_org(make_org):
    return make_org("南安市水头镇石材商会", township=SHUITOU)
