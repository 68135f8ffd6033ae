import datetime

import pytest

from core.categories import CATEGORIES, register_category
from funeral.models import Facility
from funeral.services.configuration import waiver_category_add
from funeral.services.records import death_record_register
from tests.factories import HONGLAI, SHUITOU, PersonFactory

D = datetime.date
MARCH_1, MARCH_3 = D(2024, 3, 1), D(2024, 3, 3)


@pytest.fixture
def funeral_home(db):
    return Facility.objects.create(
        name="南安市殡仪馆", kind=Facility.Kind.FUNERAL_HOME, level=Facility.Level.COUNTY, township_id="350583002",
        opened_on=D(1998, 6, 1),
    )  # fmt: skip


@pytest.fixture
def county_hall(db):
    return Facility.objects.create(
        name="南安市公益性骨灰楼堂", kind=Facility.Kind.ASH_HALL, level=Facility.Level.COUNTY, township_id="350583002",
        niche_capacity=100, niches_used=10, opened_on=D(2012, 10, 1),
    )  # fmt: skip


@pytest.fixture
def honglai_hall(db):
    return Facility.objects.create(
        name="洪濑镇骨灰堂", kind=Facility.Kind.ASH_HALL, level=Facility.Level.TOWNSHIP, township_id=HONGLAI,
        niche_capacity=3, niches_used=0, opened_on=D(2010, 1, 1),
    )  # fmt: skip


@pytest.fixture
def shuitou_cemetery(db):
    return Facility.objects.create(
        name="水头镇公益性公墓", kind=Facility.Kind.PUBLIC_CEMETERY, level=Facility.Level.TOWNSHIP, township_id=SHUITOU,
        grave_capacity=50, graves_used=5, niche_capacity=0, opened_on=D(2015, 5, 1),
    )  # fmt: skip


class Membership:
    """A throwaway person category for tests: person id -> (from, to) dates."""

    def __init__(self):
        self.spans: dict[int, tuple[datetime.date, datetime.date | None]] = {}

    def add(self, person, start, end=None):
        self.spans[person.pk] = (start, end)

    def members(self, person_ids, on_date):
        return {
            pid
            for pid in person_ids
            if pid in self.spans
            and self.spans[pid][0] <= on_date
            and (self.spans[pid][1] is None or on_date <= self.spans[pid][1])
        }


@pytest.fixture
def poor(staff):
    """A category registered in core's registry (as assistance registers dibao) and made eligible
    for the waiver by the bureau; removed from the registry afterwards."""
    membership = Membership()
    register_category("test_poor", "测试困难群众")(membership.members)
    waiver_category_add(user=staff, code="test_poor")
    yield membership
    CATEGORIES.pop("test_poor", None)


@pytest.fixture
def honglai_person(honglai):
    return PersonFactory(township=honglai, name="陈志明")


@pytest.fixture
def shuitou_person(shuitou):
    return PersonFactory(township=shuitou, name="林建国")


@pytest.fixture
def record_for(staff, funeral_home):
    def make(person=None, *, died=MARCH_1, cremated=MARCH_3, **kwargs):
        return death_record_register(
            user=staff, person=person, date_of_death=died, cremation_date=cremated, identity_unknown=person is None,
            township=kwargs.pop("township", None) or (person.township if person else None), **kwargs,
        )  # fmt: skip

    return make
