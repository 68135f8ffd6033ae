"""core.bulk writes validated rows with one COPY per table: ids from the sequence (the next save
gets the next id), one history row per object with its user and reason, and every value as it was
(quotes, commas, line breaks, an empty string, NULL, text that reads like NULL)."""

import datetime
import json

from core.bulk import bulk_insert
from core.models import Household, HouseholdMember, Person
from tests.factories import HONGLAI, PersonFactory, make_id_number


def test_people_households_and_members_land_with_their_history(staff):
    people = [
        Person(name=f"测试{i}", id_number=make_id_number(datetime.date(1980, 1, 1 + i)), township_id=HONGLAI,
               birth_date=datetime.date(1980, 1, 1 + i), sex="M")
        for i in range(3)
    ]  # fmt: skip
    bulk_insert(Person, people, user=staff, reason="Excel导入：测试")
    assert all(p.pk for p in people)
    assert Person.objects.filter(pk__in=[p.pk for p in people]).count() == 3
    history = Person.history.filter(id__in=[p.pk for p in people])
    assert history.count() == 3
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        ("+", staff.pk, "Excel导入：测试")
    }
    household = Household(head=people[0], township_id=HONGLAI, address='东大街"1"号,\n二楼')
    bulk_insert(Household, [household], user=staff)
    bulk_insert(
        HouseholdMember,
        [
            HouseholdMember(household=household, person=p, relation="head" if i == 0 else "child")
            for i, p in enumerate(people)
        ],
        user=staff,
    )
    household.refresh_from_db()
    assert household.address == '东大街"1"号,\n二楼' and household.members.count() == 3
    later = PersonFactory()  # the sequence moved past the copied ids
    assert later.pk > max(p.pk for p in people)


def test_empty_text_null_and_text_that_reads_like_null_stay_what_they_were(staff):
    person = Person(name="王五", id_number=make_id_number(), township_id=HONGLAI, phone="", id_note="\\N",
                    birth_date=None)  # fmt: skip
    bulk_insert(Person, [person], user=staff)
    person.refresh_from_db()
    assert (person.phone, person.id_note, person.birth_date, person.village_id) == ("", "\\N", None, None)


def test_demo_rows_keep_their_dates_on_the_bulk_create_path(db):
    """The SQLite quick start showed every demo step 录入于 today: bulk_create gave auto_now_add
    fields the present moment where COPY keeps the row's own."""
    from django.utils import timezone

    from core.bulk import given_timestamps

    past = timezone.now() - datetime.timedelta(days=400)
    with given_timestamps(Person):
        Person.objects.bulk_create([Person(name="陈旧", id_number=make_id_number(), township_id=HONGLAI,
                                           created_at=past, updated_at=past)])  # fmt: skip
    assert Person.objects.get(name="陈旧").created_at == past
    field = Person._meta.get_field("created_at")
    assert field.auto_now_add  # put back after the block


def test_plain_rows_land_like_instances_with_defaults_times_and_history(staff):
    """bulk_insert_values takes tuples (no model instance a row): the fields not named take their
    defaults, the auto_now fields the present moment, and each row one history row."""
    from django.utils import timezone

    from core.bulk import bulk_insert_values

    before = timezone.now()
    numbers = [make_id_number(datetime.date(1990, 2, 1 + i)) for i in range(2)]
    ids = bulk_insert_values(
        Person,
        ["name", "id_number", "township_id", "phone"],
        [("林一", numbers[0], HONGLAI, "0595-1234567"), ("林二\t\\N", numbers[1], HONGLAI, "")],
        user=staff,
        reason="Excel导入：测试",
    )
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    first, second = people[ids[0]], people[ids[1]]
    assert (first.name, first.id_number, first.phone) == ("林一", numbers[0], "0595-1234567")
    assert (second.name, second.phone) == ("林二\t\\N", "")
    assert first.hukou == Person.Hukou.RURAL and first.disability_category == "" and first.disability_grade is None
    assert first.created_at >= before and first.updated_at >= before
    history = Person.history.filter(id__in=ids)
    assert {(h.id, h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        (pk, "+", staff.pk, "Excel导入：测试") for pk in ids
    }
    assert PersonFactory().pk > max(ids)


def test_copy_reader_hands_out_exactly_what_was_asked_and_then_nothing():
    from core.bulk import _LineReader

    reader = _LineReader(iter(["abc\n", "defghij\n", "k\n"]))
    assert [reader.read(3), reader.read(3), reader.read(100), reader.read(100)] == ["abc", "\nde", "fghij\nk\n", ""]
    assert _LineReader(iter(["a\n", "b\n"])).read() == "a\nb\n"


def test_json_and_choice_values_come_back_from_copy_as_they_went_in(db):
    """A JSON cell (a decision's snapshot) has only its backslashes doubled, since JSON already
    writes tabs, line breaks and other control characters as escapes; a choice member goes as its
    plain text."""
    from django.db import connection

    from core.bulk import _copy_rows

    snapshot = {"steps": ["每人\t每月\n500 元", "C:\\路径\\n", '引号"', "\x01\r"], "金额": "1,000.00"}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE copied (doc jsonb, sex text, note text)")
        _copy_rows("copied", ["doc", "sex", "note"], [(snapshot, Person.Sex.FEMALE, "a\\tb\tc"), ([], "", None)])
        cursor.execute("SELECT doc::text, sex, note FROM copied")
        rows = cursor.fetchall()
    assert [(json.loads(doc), sex, note) for doc, sex, note in rows] == [
        (snapshot, "F", "a\\tb\tc"),
        ([], "", None),
    ]
