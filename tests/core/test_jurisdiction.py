"""A township officer of 洪濑镇 sees 洪濑镇 only; another township's record answers 404 everywhere."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.models import Household, Person
from tests.factories import HONGLAI, PersonFactory


@pytest.fixture
def two_townships(honglai_household, shuitou_household):
    return honglai_household, shuitou_household


def test_officer_lists_only_own_township_households(officer, client_for, two_townships):
    ours, theirs = two_townships
    page = client_for(officer).get(reverse("core:household_list"))
    assert page.status_code == 200
    households = list(page.context["page"])
    assert ours in households
    assert theirs not in households
    assert {h.township_id for h in households} == {HONGLAI}


def test_officer_gets_404_for_other_township_household_page(officer, client_for, two_townships):
    _ours, theirs = two_townships
    client = client_for(officer)
    assert client.get(reverse("core:household_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("core:person_detail", args=[theirs.head_id])).status_code == 404
    assert client.get(reverse("core:person_edit", args=[theirs.head_id])).status_code == 404


def test_officer_gets_404_for_other_township_in_the_api(officer, client_for, two_townships):
    ours, theirs = two_townships
    client = client_for(officer)
    assert client.get(f"/api/v1/households/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/people/{theirs.head_id}/").status_code == 404
    assert client.get(f"/api/v1/households/{ours.pk}/").status_code == 200
    listed = client.get("/api/v1/households/").json()
    assert [row["id"] for row in listed["results"]] == [ours.pk]


def test_officer_export_never_contains_other_township(officer, client_for, two_townships):
    ours, theirs = two_townships
    response = client_for(officer).get(reverse("core:household_export"), {"township": theirs.township_id})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "家庭编号"
    assert rows[1:] == []  # asked for 水头镇: nothing of it is disclosed
    everything = client_for(officer).get(reverse("core:household_export"))
    names = [r[1] for r in openpyxl.load_workbook(io.BytesIO(everything.content)).active.iter_rows(values_only=True)][
        1:
    ]
    assert names == [ours.head.name]


def test_record_without_township_is_visible_to_city_level_only(officer, staff, client_for, db):
    unlocated = Person.objects.create(name="无名氏")
    assert client_for(officer).get(reverse("core:person_detail", args=[unlocated.pk])).status_code == 404
    assert client_for(staff).get(reverse("core:person_detail", args=[unlocated.pk])).status_code == 200
    assert unlocated not in Person.objects.for_user(officer)


def test_staff_sees_the_whole_city(staff, client_for, two_townships):
    page = client_for(staff).get(reverse("core:household_list"))
    assert set(page.context["page"]) == set(two_townships)


def test_officer_cannot_register_a_person_in_another_township(officer, client_for, shuitou):
    response = client_for(officer).post(
        "/api/v1/people/",
        {"name": "林某", "id_number": PersonFactory.build().id_number, "township": shuitou.code},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "township" in response.json()
    assert not Person.objects.filter(name="林某").exists()


def test_unauthenticated_api_is_refused(db, client):
    assert client.get("/api/v1/people/").status_code in {401, 403}
    assert Household.objects.count() == 0


def test_api_answers_another_townships_person_exactly_like_a_missing_one(
    officer, client_for, honglai_household, shuitou
):
    client = client_for(officer)
    other = PersonFactory(township=shuitou)
    missing_pk = other.pk + 10_000

    def post(url, field, pk, **extra):
        response = client.post(url, {field: pk, **extra}, content_type="application/json")
        body = response.json()[field][0].replace(str(pk), "<pk>")
        return response.status_code, body

    assert post("/api/v1/households/", "head", other.pk) == post("/api/v1/households/", "head", missing_pk)
    members = f"/api/v1/households/{honglai_household.pk}/members/"
    assert post(members, "person", other.pk, relation="child") == post(members, "person", missing_pk, relation="child")
    assert not Household.objects.filter(head=other).exists()


def test_household_list_rows_show_the_head_as_the_role_may_see_them(staff, leader, client_for, two_townships):
    ours, theirs = two_townships
    ours.village = ours.head.village
    ours.save()
    PersonFactory(township=ours.township)  # not a member: the count is the household's
    for user, head in ((staff, "陈志明"), (leader, "陈*明")):
        page = client_for(user).get(reverse("core:household_list"), {"township": HONGLAI})
        html = page.content.decode()
        row = next(r for r in page.context["rows"] if r["number"] == ours.pk)
        assert row == {
            "url": reverse("core:household_detail", args=[ours.pk]),
            "number": ours.pk,
            "head": head,
            "id_number": ours.head.id_number[:6] + "********" + ours.head.id_number[-4:],
            "township": ours.township.name,
            "village": ours.village.name if ours.village_id else "—",
            "members": 1,
        }
        assert f'<a href="{row["url"]}">{ours.pk}</a>' in html and head in html
        assert theirs.pk not in {r["number"] for r in page.context["rows"]}
