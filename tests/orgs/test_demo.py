"""The orgs demo data: idempotent, over every township, made of rows the registry's rules accept, and
computing indicators 5, 10, 11 and 12 near the plan's Table 2 figures on the first run."""

import datetime
from decimal import Decimal

import pytest

from core.demo.people import seed_households
from core.exceptions import FieldErrors
from core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS
from core.services.users import user_create
from indicators import demo as indicators_demo
from indicators.providers import PROVIDERS
from orgs import demo
from orgs.models import AnnualReport, CommunityFacility, ListEntry, Organisation, SocialWorker, SocialWorkStation
from orgs.services.organisations import check_organisation

pytestmark = pytest.mark.django_db
SCALE = 0.2


@pytest.fixture
def seeded():
    for username, role, township, name in DEMO_USERS:
        user_create(username=username, password=DEMO_PASSWORD, role=role, township_code=township, full_name=name)
    seed_households(int(SCALE * 1000), log=lambda _m: None)
    demo.seed(scale=SCALE, log=lambda _m: None)
    indicators_demo.seed(scale=SCALE, log=lambda _m: None)


def _counts():
    models = (Organisation, AnnualReport, ListEntry, SocialWorker, SocialWorkStation, CommunityFacility)
    return {m.__name__: m.objects.count() for m in models}


def test_the_demo_is_idempotent_and_made_of_rows_the_registrys_rule_accepts(seeded):
    before = _counts()
    demo.seed(scale=SCALE, log=lambda _m: None)
    assert _counts() == before
    for org in Organisation.objects.all():
        errors = FieldErrors()
        check_organisation(errors, org)
        assert not errors, (org.name, errors)
    assert Organisation.objects.values("township").distinct().count() == 26


def test_the_demo_computes_the_indicators_near_the_plan(seeded):
    """Table 2: indicator 10 is 708 at the end of 2020 and +20 a year; 11 rises 1.6 → 2.1‰; 5 from 33.4
    to 40 m² per 100 households; 12 from 60 % (2021) to 80 % (2025)."""
    as_of = datetime.date.today()
    assert PROVIDERS[10](2020, as_of).value == Decimal(708)
    assert PROVIDERS[10](2023, as_of).value == Decimal(708 + 3 * 20)
    assert PROVIDERS[11](2023, as_of).value == Decimal("1.90")
    assert abs(PROVIDERS[5](2023, as_of).value - Decimal(38)) < Decimal("0.2")
    assert abs(PROVIDERS[12](2023, as_of).value - Decimal(70)) < Decimal(1)
    # The 1 June checks listed those who missed a report; late reports took some off again.
    assert ListEntry.objects.filter(kind="abnormal").exists()
    assert ListEntry.objects.filter(kind="abnormal", removed_on__isnull=False).exists()  # late reports filed after
