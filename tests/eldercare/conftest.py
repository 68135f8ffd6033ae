import datetime

import pytest
from django.utils import timezone
from stdnum.cn import uscc

from core.payments import month_start, next_month
from eldercare.services.assessments import assessment_record
from eldercare.services.facilities import facility_create
from eldercare.services.institutions import bed_count_record, institution_create
from eldercare.services.subsidies import standard_add, standards_in_force
from tests.factories import PersonFactory, make_id_number

D = datetime.date
TODAY = timezone.localdate()
THIS_MONTH = month_start(TODAY)
NEXT = next_month(TODAY)
EARLY = D(2020, 1, 1)


def credit_code(n: int) -> str:
    """A valid unified social credit code (52 = a social service agency, the usual private home)."""
    body = f"52350583MJ{n:07d}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def make_institution(staff, honglai):
    counter = iter(range(1, 10_000))

    def make(*, beds=(), township=None, **data):
        n = next(counter)
        values = {
            "name": f"测试养老院{n}",
            "credit_code": credit_code(n),
            "ownership": "private",
            "township": township or honglai,
            "opened_on": D(2015, 1, 1),
            "status": "operating",
            **data,
        }
        institution = institution_create(user=staff, **values)
        for as_of, total, nursing in beds:
            bed_count_record(user=staff, institution=institution, as_of=as_of, total_beds=total, nursing_beds=nursing)
        return institution

    return make


@pytest.fixture
def make_facility(staff, honglai):
    counter = iter(range(1, 10_000))

    def make(*, township=None, **data):
        values = {
            "name": f"测试设施{next(counter)}",
            "kind": "centre",
            "township": township or honglai,
            "opened_on": D(2018, 1, 1),
            "status": "operating",
            **data,
        }
        return facility_create(user=staff, **values)

    return make


@pytest.fixture
def elder(honglai):
    """A 洪濑镇 resident born in 1945."""
    return PersonFactory(township=honglai, name="陈阿婆", id_number=make_id_number(D(1945, 3, 8), male=False))


@pytest.fixture
def shuitou_elder(shuitou):
    return PersonFactory(township=shuitou, name="林阿公", id_number=make_id_number(D(1940, 6, 1)))


def born(age: int, *, on: datetime.date = NEXT) -> datetime.date:
    """A birth date that makes someone exactly `age` on `on` (their birthday falls on it)."""
    return on.replace(year=on.year - age)


def older(township, age: int, name="陈阿婆", *, on=NEXT):
    return PersonFactory(township=township, name=name, id_number=make_id_number(born(age, on=on), male=False))


@pytest.fixture
def subsidy_standards(staff):
    """高龄津贴 80/90/100, 护理补贴 levels 1–4, 服务补贴: the bureau's (illustrative) standards."""
    rows = [("high_age", 80, "100"), ("high_age", 90, "200"), ("high_age", 100, "500"), ("care", 1, "100"),
            ("care", 2, "200"), ("care", 3, "300"), ("care", 4, "400"), ("service", 0, "150")]  # fmt: skip
    for kind, threshold, amount in rows:
        standard_add(user=staff, kind=kind, threshold=threshold, amount=amount, effective_from=EARLY)
    return standards_in_force(TODAY)


def assess(user, person, *, self_care, on=None, **kw):
    """An assessment whose total is `self_care` + 15 + 28 + 15 (58 + self_care)."""
    return assessment_record(
        user=user, person=person, assessed_on=on or TODAY, assessor="黄评估", self_care=self_care, basic_motion=15,
        mental_state=28, perception_social=15, **kw,
    )  # fmt: skip
