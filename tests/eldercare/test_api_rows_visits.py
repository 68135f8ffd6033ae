"""The visits list of the API builds its rows straight from the visits (eldercare.api.visits.
VisitRowsSerializer): for every reader, each row is exactly ElderVisitSerializer's fields, in their
order (tests/api_rows.py), the name and ID number last where the serializer adds them. Township
readers see 洪濑镇's visits, city-level readers also 水头镇's and a person's with no township."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.jurisdiction import user_can_act_in
from eldercare.api.visits import ElderVisitSerializer
from eldercare.models import Visit
from eldercare.services.visits import visit_record
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.eldercare.conftest import TODAY, older
from tests.factories import HONGLAI, PersonFactory

pytestmark = pytest.mark.django_db


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_the_visits_rows_are_the_serializers_fields_for_every_reader(make_user, staff, officer, honglai, shuitou):
    """Each way; findings and a follow-up naming the person (masked in them without the name right)
    more than once, naming someone else, and none; a one-character name (never masked in text), a
    two-character one; a person with no ID number, one with no township (a visit the admin entered)
    and another township's visit; two visits on one day (the later recorded first)."""
    chen, ouyang, lin = older(honglai, 80, "陈阿婆"), older(honglai, 91, "欧阳秀英"), older(honglai, 75, "林伯")
    made = [
        visit_record(user=officer, person=chen, visited_on=ago(3), visitor="村协理员", findings="陈阿婆身体尚可",
                     follow_up="下周再访陈阿婆，陈阿婆的女儿陪同"),
        visit_record(user=officer, person=ouyang, visited_on=ago(3), way="phone", visitor="林社工",
                     findings="电话无人接听，邻居黄建国说欧阳秀英外出"),
        visit_record(user=officer, person=lin, visited_on=ago(10), way="video", visitor="陈志明", findings="林伯精神好",
                     follow_up="无"),
        visit_record(user=staff, person=older(honglai, 70, "莉"), visited_on=ago(1), visitor="黄", findings="莉独居",
                     follow_up="莉需助餐"),
        visit_record(user=officer, person=PersonFactory(township=honglai, name="无名氏", id_number=None),
                     visited_on=ago(20), visitor="村协理员", findings="无名氏身份待核"),
        visit_record(user=staff, person=older(shuitou, 82, "林阿公"), visited_on=ago(2), visitor="水头社工",
                     findings="林阿公住院"),
        Visit.objects.create(person=older(None, 86, "王婆婆"), visited_on=ago(5), way="home", visitor="市局",
                             findings="王婆婆户籍待迁入", follow_up="王婆婆", created_by=staff),
    ]  # fmt: skip
    assert {v.way for v in made} == set(Visit.Way.values) and made[4].person.id_number is None
    assert made[6].person.township_id is None and made[5].person.township_id != HONGLAI

    shown = Visit.objects.select_related("person")
    users = readers(make_user, allowed_to="eldercare.view_visit")
    city = [user for user in users if user.is_city_level]
    assert city and len(city) < len(users) and all(user_can_act_in(user, HONGLAI) for user in users)
    url = "/api/v1/eldercare/visits/"
    assert_rows_are_the_fields(url, {}, ElderVisitSerializer, lambda ids: [shown.get(pk=pk) for pk in ids],
                               [u for u in users if u not in city], expected=5)  # fmt: skip
    assert_rows_are_the_fields(url, {"page_size": 3, "page": 2}, ElderVisitSerializer,
                               lambda ids: [shown.get(pk=pk) for pk in ids], city, expected=3)  # fmt: skip
    assert_rows_are_the_fields(url, {}, ElderVisitSerializer, lambda ids: [shown.get(pk=pk) for pk in ids],
                               city, expected=7)  # fmt: skip


def test_a_page_of_visits_asks_the_same_queries_for_any_number_of_visits(officer, honglai):
    """No query per row: the person comes with each visit."""
    people = [older(honglai, 80 + n, name) for n, name in enumerate(("陈阿婆", "林伯", "黄阿公"))]
    client = APIClient()
    client.force_authenticate(officer)
    client.get("/api/v1/eldercare/visits/")  # the user's permissions, cached from then on

    def queries(more: int) -> int:
        for n in range(more):
            visit_record(user=officer, person=people[n % 3], visited_on=ago(n), visitor="村协理员", findings="身体尚可")
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get("/api/v1/eldercare/visits/").json()["results"]) == Visit.objects.count()
        return len(captured)

    assert queries(1) == queries(6)
