"""The placements list of the API builds its rows straight from the placements (funeral.api.placements.
PlacementRowsSerializer): for every reader, each row is exactly PlacementSerializer's fields, in their
order (tests/api_rows.py). Township readers see 洪濑镇's placements, city-level readers also 水头镇's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.jurisdiction import user_can_act_in
from funeral.api.placements import PlacementSerializer
from funeral.models import Placement
from funeral.services.placements import PlacementInput, placement_save
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.factories import HONGLAI, PersonFactory
from tests.funeral.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def placements(staff, record_for, honglai, shuitou, county_hall, honglai_hall, shuitou_cemetery):
    """Eco forms in a niche (a place and none) and a plot, a traditional grave (not eco), a sea burial
    (no facility), an unknown person's, one corrected after it was recorded, and 水头镇's."""

    def placed(township, form, facility=None, place="", *, unknown=False):
        person = None if unknown else PersonFactory(township=township)
        record = record_for(person, township=township, unknown_description="男性，约60岁" if unknown else "")
        return placement_save(user=staff, record=record, form=form, placed_on=D(2024, 3, 5), facility=facility,
                              place=place)  # fmt: skip

    made = [
        placed(honglai, "hall_niche", county_hall, "A区3排12号"),
        placed(honglai, "wall_niche", honglai_hall),
        placed(honglai, "tree", shuitou_cemetery, "生态园"),
        placed(honglai, "traditional", shuitou_cemetery, "B区1排2号"),
        placed(honglai, "sea", place="泉州湾海域"),
        placed(honglai, "flower", shuitou_cemetery, unknown=True),
        placed(shuitou, "lawn", shuitou_cemetery, "草坪区"),
    ]
    corrected = made[1]
    made[1] = placement_save(user=staff, record=corrected.record, form="hall_niche", placed_on=D(2024, 4, 1),
                             facility=county_hall, place="C区")  # fmt: skip
    return made


def test_the_placements_rows_are_the_serializers_fields_for_every_reader(make_user, placements):
    assert {p.is_eco for p in placements} == {True, False} and placements[4].facility_id is None
    assert placements[5].record.identity_unknown and placements[6].record.township_id != HONGLAI
    users = readers(make_user, allowed_to="funeral.view_placement")
    city = [user for user in users if user.is_city_level]
    assert city and len(city) < len(users) and all(user_can_act_in(user, HONGLAI) for user in users)
    url = "/api/v1/funeral/placements/"

    def records_of(ids):
        return [Placement.objects.get(pk=pk) for pk in ids]

    assert_rows_are_the_fields(url, {}, PlacementSerializer, records_of, [u for u in users if u not in city],
                               expected=6)  # fmt: skip
    assert_rows_are_the_fields(url, {}, PlacementSerializer, records_of, city, expected=7)
    assert_rows_are_the_fields(url, {"form": "sea"}, PlacementSerializer, records_of, city, expected=1)


def test_a_page_of_placements_asks_the_same_queries_for_any_number_and_joins_no_record(staff, record_for, county_hall,
                                                                                        honglai):  # fmt: skip
    """No query per row, and the records the rows show by their keys are not read."""
    client = APIClient()
    client.force_authenticate(staff)
    client.get("/api/v1/funeral/placements/")  # the user's permissions, cached from then on

    def queries(placements: int) -> list[str]:
        for _n in range(placements):
            record = record_for(PersonFactory(township=honglai),
                                placement=PlacementInput(form="hall_niche", placed_on=D(2024, 3, 5), facility=county_hall))  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/funeral/placements/").json()["results"][0]["record"] == record.pk
        return [query["sql"] for query in captured]

    few, many = queries(1), queries(5)
    assert len(few) == len(many) and not any('"funeral_deathrecord"' in sql for sql in many)
