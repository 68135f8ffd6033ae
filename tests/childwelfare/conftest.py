import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from childwelfare.models import AllowanceStandard
from childwelfare.models.children import CareSetting, CategoryCode, ParentSituation
from childwelfare.services.children import CategoryInput, child_file_open
from tests.factories import HONGLAI, SHUITOU, PersonFactory, make_id_number

TODAY = datetime.date.today()
D = datetime.date


def years_ago(years: int, days: int = 0) -> datetime.date:
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return day - datetime.timedelta(days=days)


def person_born(birth: datetime.date, *, township=HONGLAI, male=True, name="陈小明"):
    from core.models import Division

    return PersonFactory(
        name=name, id_number=make_id_number(birth, male=male), township=Division.objects.get(code=township)
    )


def orphan(start: datetime.date, **kwargs) -> CategoryInput:
    return CategoryInput(
        code=CategoryCode.ORPHAN, start=start, father_situation=ParentSituation.DECEASED,
        mother_situation=ParentSituation.DECEASED, evidence="父母死亡证明", **kwargs,
    )  # fmt: skip


def left_behind(start: datetime.date) -> CategoryInput:
    return CategoryInput(
        code=CategoryCode.LEFT_BEHIND, start=start, father_situation=ParentSituation.WORKING_AWAY,
        mother_situation=ParentSituation.WORKING_AWAY,
    )  # fmt: skip


def distress(start: datetime.date, reason="poverty") -> CategoryInput:
    return CategoryInput(code=CategoryCode.DISTRESS, start=start, distress_reason=reason)


@pytest.fixture
def open_file(staff):
    """Open a child's file as bureau staff: open_file(age_years, categories=[...], township=...)."""

    def make(years: int = 10, *, days: int = 0, categories=(), township=HONGLAI, care=CareSetting.KINSHIP,
             user=None, name="陈小明", male=True, **data):  # fmt: skip
        person = person_born(years_ago(years, days), township=township, name=name, male=male)
        return child_file_open(
            user=user or staff, person=person, care_setting=care, opened_on=TODAY - datetime.timedelta(days=30),
            categories=list(categories), guardian_name="陈大伯", guardian_relation="伯父", **data,
        )  # fmt: skip

    return make


@pytest.fixture
def allowance_standards(db):
    rows = [
        (AllowanceStandard.Kind.ORPHAN_INSTITUTION, "1800.00"),
        (AllowanceStandard.Kind.ORPHAN_SCATTERED, "1350.00"),
        (AllowanceStandard.Kind.DE_FACTO, "1350.00"),
    ]
    for kind, amount in rows:
        AllowanceStandard.objects.create(kind=kind, amount=Decimal(amount), effective_from=D(2020, 1, 1))
    return AllowanceStandard.objects.all()


@pytest.fixture
def shuitou_officer(make_user):
    return make_user("township_officer", SHUITOU)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
