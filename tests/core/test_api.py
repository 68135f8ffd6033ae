import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIClient

from core.api.serializers import HouseholdSerializer, PersonSerializer
from core.models import Division, Household, HouseholdMember, Person
from core.roles import Role
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.factories import HONGLAI, HouseholdFactory, PersonFactory, make_id_number


def test_people_contract_fields_and_township_filter(staff, client_for, honglai_household, shuitou_household):
    client = client_for(staff)
    data = client.get("/api/v1/people/", {"township": "350583113"}).json()
    assert data["count"] == 1
    person = data["results"][0]
    assert {"id", "name", "id_number", "township", "village"} <= set(person)
    assert person["township"] == "350583113"
    assert person["id_number"] == honglai_household.head.id_number  # staff may see it in full


def test_api_client_sees_masked_ids(api_client_user, client_for, honglai_household):
    person = client_for(api_client_user).get(f"/api/v1/people/{honglai_household.head_id}/").json()
    assert "********" in person["id_number"]


def test_bad_id_number_answers_400_naming_the_field_and_saves_nothing(officer, client_for):
    number = make_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client_for(officer).post(
        "/api/v1/people/",
        {"name": "陈某", "id_number": wrong, "township": "350583113"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert "校验位" in response.json()["id_number"][0]
    assert not Person.objects.exists()


def test_create_person_derives_birth_date_and_sex(officer, client_for):
    number = make_id_number(male=False)
    response = client_for(officer).post(
        "/api/v1/people/",
        {"name": "林秀英", "id_number": number, "township": "350583113"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sex"] == "F" and body["birth_date"] == f"{number[6:10]}-{number[10:12]}-{number[12:14]}"


def test_duplicate_id_number_is_refused(officer, client_for, honglai):
    existing = PersonFactory(township=honglai)
    response = client_for(officer).post(
        "/api/v1/people/",
        {"name": "重复", "id_number": existing.id_number, "township": "350583113"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "id_number" in response.json()


def test_page_size_is_capped_at_200(staff, client_for, honglai):
    PersonFactory.create_batch(3, township=honglai)
    data = client_for(staff).get("/api/v1/people/", {"page_size": 1000}).json()
    assert data["count"] == 3 and len(data["results"]) == 3
    one = client_for(staff).get("/api/v1/people/", {"page_size": 1, "page": 2}).json()
    assert len(one["results"]) == 1 and one["next"] and one["previous"]


def test_divisions_list_levels_and_parents(leader, client_for):
    data = client_for(leader).get("/api/v1/divisions/", {"level": "township", "page_size": 200}).json()
    assert data["count"] == 27
    honglai = next(d for d in data["results"] if d["code"] == "350583113")
    assert honglai == {
        "code": "350583113",
        "name": "洪濑镇",
        "level": "township",
        "kind": "town",
        "parent": "350583",
        "in_plan": True,
        "is_active": True,
        "updated_at": honglai["updated_at"],
    }
    zone = next(d for d in data["results"] if d["code"] == "350583400")
    assert zone["in_plan"] is False


def test_household_create_and_member_add_through_the_api(officer, client_for, honglai):
    client = client_for(officer)
    head, child = PersonFactory(township=honglai), PersonFactory(township=honglai)
    created = client.post(
        "/api/v1/households/", {"head": head.pk, "address": "洪濑镇1号"}, content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    hid = created.json()["id"]
    added = client.post(
        f"/api/v1/households/{hid}/members/", {"person": child.pk, "relation": "child"}, content_type="application/json"
    )
    assert added.status_code == 201, added.json()
    assert [m["relation"] for m in added.json()["members"]] == ["head", "child"]
    again = client.post(
        f"/api/v1/households/{hid}/members/", {"person": child.pk, "relation": "child"}, content_type="application/json"
    )
    assert again.status_code == 400
    assert "已是" in str(again.json())
    assert Household.objects.get().members.count() == 2


def test_schema_and_docs_are_served_offline(staff, client_for):
    client = client_for(staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/people/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs and "unpkg" not in docs


def test_errors_are_json(officer, client_for):
    response = client_for(officer).get("/api/v1/people/999999/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_a_masked_viewer_gets_no_birth_date_and_cannot_search_by_id_prefix(api_client_user, honglai_household):
    from rest_framework.test import APIClient

    person = honglai_household.head
    client = APIClient()
    client.force_authenticate(api_client_user)
    row = client.get(f"/api/v1/people/{person.pk}/").json()
    assert row["birth_date"] is None and row["birth_year"] == person.birth_date.year
    from core import selectors

    assert not selectors.person_list(user=api_client_user, q=person.id_number[:10]).exists()
    assert selectors.person_list(user=api_client_user, q=person.id_number).get() == person


def test_people_list_shows_township_and_village_codes_without_reading_a_division(staff, client_for, honglai):
    """A division's code is its key: the list gives each person's township and village code (or
    null) straight from the person's row, and sends a code in as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import Division

    village = Division.objects.create(
        code="350583113201", name="东园村", level="village", kind="village", parent=honglai
    )
    PersonFactory(township=honglai, village=village, name="王丽")
    PersonFactory(township=honglai, name="黄建国")
    client = client_for(staff)
    client.get("/api/v1/people/")  # the first request after sign-in also slides the session
    with CaptureQueriesContext(connection) as queries:
        rows = client.get("/api/v1/people/", {"township": "350583113"}).json()["results"]
    assert {(row["name"], row["township"], row["village"]) for row in rows} == {
        ("王丽", "350583113", "350583113201"),
        ("黄建国", "350583113", None),
    }
    sqls = [q["sql"] for q in queries.captured_queries]
    people_queries = [sql for sql in sqls if 'FROM "core_person"' in sql]
    assert people_queries and not any("core_division" in sql for sql in people_queries)  # no join
    # Only the ?township= filter looks its code up; no person's township or village is read.
    assert [sql for sql in sqls if 'FROM "core_division"' in sql and "350583113201" in sql] == []
    assert sum('FROM "core_division"' in sql for sql in sqls) == 1
    created = client.post(
        "/api/v1/people/",
        {"name": "陈某", "id_number": make_id_number(), "township": "350583113", "village": "350583113201"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["village"] == "350583113201"
    refused = client.post(
        "/api/v1/people/",
        {"name": "陈某", "id_number": make_id_number(), "township": "350583113201"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "township" in refused.json()


def _village(n: int) -> Division:
    return Division.objects.create(code=f"{HONGLAI}{n:03d}", name=f"测试{n}村", level=Division.Level.VILLAGE,
                                   kind=Division.Kind.VILLAGE, parent_id=HONGLAI)  # fmt: skip


def _in_order(queryset, ids):
    by_id = queryset.in_bulk(ids)
    return [by_id[i] for i in ids]


def test_people_list_rows_are_the_serializers_fields_for_every_reader(make_user, honglai, honglai_household):
    """The list builds its rows straight from the records (PersonRowsSerializer): for every role and
    every reader with one personal-data right, each row is exactly PersonSerializer's fields, with a
    village, a death, a disability, a phone, an unknown identity and a person without a township."""
    PersonFactory(township=honglai, village=_village(901), name="黄建国", phone="13905951234", hukou=Person.Hukou.URBAN,
                  disability_category=Person.Disability.PHYSICAL, disability_grade=2,
                  date_of_death=datetime.date(2026, 3, 1))  # fmt: skip
    PersonFactory(township=honglai, id_number=None, id_note="身份不明", name="无名氏")
    PersonFactory(township=None, id_number=None, name="流浪人员")
    people = Person.objects.select_related("membership")
    assert_rows_are_the_fields("/api/v1/people/", {"township": HONGLAI}, PersonSerializer,
                               lambda ids: _in_order(people, ids), readers(make_user), expected=3)  # fmt: skip
    city = [u for u in readers(make_user) if u.role in (Role.STAFF, Role.LEADER)]
    assert_rows_are_the_fields("/api/v1/people/", {}, PersonSerializer, lambda ids: _in_order(people, ids), city,
                               expected=4)  # fmt: skip


def test_household_list_rows_are_the_serializers_fields_for_every_reader(make_user, honglai):
    """As for people: the households list's rows (HouseholdRowsSerializer), members and masked address
    included, are exactly HouseholdSerializer's fields for every reader."""
    family = HouseholdFactory(head=PersonFactory(township=honglai, name="陈志明"), village=_village(902),
                              address="洪濑镇示例路1号")  # fmt: skip
    for person, relation in ((PersonFactory(township=honglai, name="林秀英"), Household.Relation.SPOUSE),
                             (PersonFactory(township=honglai, id_number=None, name="无名氏"), Household.Relation.CHILD)):  # fmt: skip
        HouseholdMember.objects.create(household=family, person=person, relation=relation)
    HouseholdFactory(head=PersonFactory(township=honglai, name="黄建国"))
    households = Household.objects.prefetch_related("members__person")
    assert_rows_are_the_fields("/api/v1/households/", {"township": HONGLAI}, HouseholdSerializer,
                               lambda ids: _in_order(households, ids), readers(make_user), expected=2)  # fmt: skip
    leader = APIClient()
    leader.force_authenticate(make_user(Role.LEADER))
    shown = next(r for r in leader.get("/api/v1/households/").json()["results"] if r["id"] == family.pk)
    assert [m["name"] for m in shown["members"]] == ["陈*明", "林*英", "无*氏"] and shown["address"] != family.address


def test_a_serializer_inheriting_rows_that_lack_its_fields_fails_loudly(staff, honglai_household):
    """A subclass of PersonSerializer with a field of its own keeps its parent's list rows (Meta is
    inherited): the list says so instead of dropping the field."""

    class WithNote(PersonSerializer):
        note = serializers.CharField(source="id_note", read_only=True)

        class Meta(PersonSerializer.Meta):
            fields = [*PersonSerializer.Meta.fields, "note"]

    context = {"request": SimpleNamespace(user=staff)}
    with pytest.raises(ImproperlyConfigured, match="note"):
        _ = WithNote(Person.objects.all(), many=True, context=context).data


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/St_Johns"])
def test_a_rows_moment_is_what_the_date_time_field_shows_in_any_current_time_zone(zone):
    """core.api.serializers.moment, the rows' quick way, against DRF's DateTimeField: the portal's
    zone (+08:00), UTC ("Z"), a half-hour zone, a naive value, null."""
    import zoneinfo

    from django.utils import timezone

    from core.api.serializers import RowsSerializer, moment

    field = serializers.DateTimeField()
    values = [
        datetime.datetime(2026, 1, 31, 16, 30, 5, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2025, 7, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        datetime.datetime(1900, 1, 1, 8, 5, 43, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        datetime.datetime(2026, 3, 8, 12, 0),
        None,
    ]

    class At(serializers.Serializer):
        at = serializers.DateTimeField()

    class AtRows(RowsSerializer):  # a page of rows: the zone is looked up once, for the page
        def row_maker(self, pd):
            return lambda value: {"at": moment(value)}

    with timezone.override(zone):
        shown = [field.to_representation(v) for v in values]
        assert [moment(v) for v in values] == shown
        assert AtRows(child=At(), context={}).to_representation(values) == [{"at": text} for text in shown]
        assert moment(values[0]).endswith({"UTC": "Z", "Asia/Shanghai": "+08:00"}.get(zone, "-03:30"))
    with timezone.override("UTC"):  # the page's zone is gone with its page
        assert moment(values[1]) == "2025-06-30T16:00:00Z"
