"""The people list opens on the living (issue 16, item 5): the deceased are left out by default and
shown on request (page: 人员状态); the API filters with ?deceased=exclude|include|only. The page's
order is the registry's: township, village, then as registered (a household's members together),
served by the partial index person_living_by_village; the API's stays township, newest first."""

import datetime

import pytest
from rest_framework.test import APIClient

from core.models import Person
from tests.factories import HONGLAI, SHUITOU, PersonFactory

DIED = datetime.date(2025, 3, 1)


@pytest.fixture
def people(honglai, shuitou):
    """2 living and 60 deceased (more than a page) in 洪濑, 1 living in 水头, the deceased registered last."""
    living = [
        PersonFactory(township=shuitou, name="林建国"),
        *(PersonFactory(township=honglai, name="陈秀英") for _ in range(2)),
    ]
    dead = [PersonFactory(township=honglai, name="黄建国", date_of_death=DIED) for _ in range(60)]
    return living, dead


def _names_on_page(html: str, people) -> set[int]:
    return {p.pk for p in people if f"/core/people/{p.pk}/" in html}


def test_page_one_shows_the_living_and_the_filter_shows_the_deceased(staff, client_for, people):
    living, dead = people
    client = client_for(staff)
    html = client.get("/core/people/").content.decode()
    assert _names_on_page(html, living) == {p.pk for p in living}
    assert not _names_on_page(html, dead) and "人员状态" in html
    html = client.get("/core/people/", {"deceased": "include"}).content.decode()
    assert _names_on_page(html, living) | _names_on_page(html, dead)
    html = client.get("/core/people/", {"deceased": "only"}).content.decode()
    assert not _names_on_page(html, living) and len(_names_on_page(html, dead)) == 50
    assert client.get("/core/people/", {"deceased": "all-of-them"}).status_code == 200  # a form error, no list


def test_the_page_order_is_township_village_then_as_registered(staff, client_for, honglai, shuitou):
    from core import selectors
    from core.models import Division

    east = Division.objects.create(code="350583113201", name="东园村", level="village", kind="village", parent=honglai)
    west = Division.objects.create(code="350583113202", name="西园村", level="village", kind="village", parent=honglai)
    made = [
        PersonFactory(township=shuitou, name="林建国"),
        PersonFactory(township=honglai, village=west, name="陈秀英"),
        PersonFactory(township=honglai, name="黄建国"),  # no village yet: after the villages
        PersonFactory(township=honglai, village=east, name="王丽"),
        PersonFactory(township=honglai, village=west, name="陈志明"),
    ]
    expected = [made[3].pk, made[1].pk, made[4].pk, made[2].pk, made[0].pk]  # 洪濑: 东园, 西园 ×2, none; 水头
    assert [p.pk for p in selectors.person_list(user=staff)] == expected
    html = client_for(staff).get("/core/people/").content.decode()
    assert sorted(expected, key=lambda pk: html.index(f"/core/people/{pk}/")) == expected


def test_the_api_order_stays_township_then_newest(staff, people):
    living, _dead = people
    rows = APIClient()
    rows.force_authenticate(staff)
    ids = [r["id"] for r in rows.get("/api/v1/people/", {"deceased": "exclude"}).json()["results"]]
    assert ids[:3] == [living[2].pk, living[1].pk, living[0].pk]  # 洪濑 (350583113) before 水头 (350583119)
    assert {HONGLAI, SHUITOU} == {p.township_id for p in Person.objects.filter(pk__in=ids)}


def test_the_export_follows_the_filter(staff, client_for, people):
    import io

    from openpyxl import load_workbook

    living, dead = people
    client = client_for(staff)
    rows = load_workbook(io.BytesIO(client.get("/core/people/export/").content)).active.max_row
    assert rows == 1 + len(living)
    rows = load_workbook(io.BytesIO(client.get("/core/people/export/", {"deceased": "only"}).content)).active.max_row
    assert rows == 1 + len(dead)


def test_the_api_filters_the_deceased_on_request(staff, people):
    """The API's default stays everyone: a REST client keeping its own copy learns of a death from
    the record (tests/test_personal_data.py reads a deceased member from the default list)."""
    living, dead = people
    client = APIClient()
    client.force_authenticate(staff)

    def ids(**params):
        rows = client.get("/api/v1/people/", {"page_size": 200, **params}).json()["results"]
        return {r["id"] for r in rows}

    assert ids(deceased="exclude") == {p.pk for p in living}
    assert ids(deceased="include") == ids() == {p.pk for p in living + dead}
    assert ids(deceased="only") == {p.pk for p in dead}
    assert client.get("/api/v1/people/", {"deceased": "all"}).status_code == 400
    first = client.get("/api/v1/people/", {"deceased": "exclude"}).json()["results"]
    assert [r["id"] for r in first] == [living[2].pk, living[1].pk, living[0].pk]


def test_a_masked_reader_still_finds_by_whole_name_only(leader, client_for, people):
    html = client_for(leader).get("/core/people/", {"q": "林"}).content.decode()
    assert "没有符合条件的人员" in html
    html = client_for(leader).get("/core/people/", {"q": "林建国"}).content.decode()
    assert f"/core/people/{people[0][0].pk}/" in html
    html = client_for(leader).get("/core/people/", {"q": "黄建国", "deceased": "only"}).content.decode()
    assert len(_names_on_page(html, people[1])) == 50


def test_a_masked_api_reader_gets_name_startswith_as_a_whole_name(api_client_user, staff, people):
    living, _dead = people
    for user, expected in ((api_client_user, set()), (staff, {living[0].pk})):
        client = APIClient()
        client.force_authenticate(user)
        rows = client.get("/api/v1/people/", {"name__startswith": "林"}).json()["results"]
        assert {r["id"] for r in rows} == expected, user
        rows = client.get("/api/v1/people/", {"name__startswith": "林建国"}).json()["results"]
        assert {r["id"] for r in rows} == {living[0].pk}, user
    assert Person.objects.count() == 63
