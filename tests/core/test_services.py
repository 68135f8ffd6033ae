import pytest
from django.core.exceptions import ValidationError

from core.models import Person
from core.services.people import household_create, household_member_add, person_create, person_update
from tests.factories import PersonFactory, make_id_number


def test_person_create_records_history_with_the_user(officer, honglai):
    person = person_create(user=officer, name="陈志明", id_number=make_id_number(), township=honglai)
    person_update(
        user=officer, person=person, name="陈志明", id_number=person.id_number, township=honglai, phone="13905951234"
    )
    records = list(person.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert {r.history_user for r in records} == {officer}
    assert [c.field for c in records[1].diff_against(records[0]).changes] == ["phone"]


def test_late_registered_id_is_saved_with_a_note(officer, honglai):
    from core.identifiers import id_number_with_check_digit

    person = person_create(
        user=officer, name="补登", id_number=id_number_with_check_digit("35058319880512001"), township=honglai
    )
    assert person.birth_date.year == 1988 and "补登记" in person.id_note


def test_village_must_belong_to_the_township(staff, honglai, shuitou):
    from core.models import Division

    village = Division.objects.create(
        code="350583119201", name="水头村", level="village", kind="village", parent=shuitou
    )
    with pytest.raises(ValidationError) as exc:
        person_create(user=staff, name="错村", id_number=make_id_number(), township=honglai, village=village)
    assert "village" in exc.value.message_dict


def test_bad_phone_and_half_disability_are_refused(staff, honglai):
    with pytest.raises(ValidationError) as exc:
        person_create(
            user=staff,
            name="某",
            id_number=make_id_number(),
            township=honglai,
            phone="12",
            disability_category="physical",
        )
    assert {"phone", "disability_grade"} <= set(exc.value.message_dict)
    assert not Person.objects.exists()


def test_a_person_cannot_join_two_households(officer, honglai):
    a, b, child = (PersonFactory(township=honglai) for _ in range(3))
    first = household_create(user=officer, head=a)
    household_member_add(user=officer, household=first, person=child, relation="child")
    second = household_create(user=officer, head=b)
    with pytest.raises(ValidationError) as exc:
        household_member_add(user=officer, household=second, person=child, relation="child")
    assert f"家庭编号 {first.pk}" in exc.value.message_dict["person"][0]


def test_a_household_kept_by_another_township_is_not_named_to_its_officer(staff, officer, honglai, shuitou):
    """A person of a 水头镇 household moved to 洪濑镇 keeps that household until it is changed: a 洪濑镇
    officer who adds them to a household, or makes them a head, is told they are in another
    township's household, never its head's name or its number; staff, who act city-wide, are."""
    head, moved = PersonFactory(township=shuitou, name="林大户"), PersonFactory(township=shuitou)
    old = household_create(user=staff, head=head, members=[(moved, "child")])
    person_update(user=staff, person=moved, township=honglai)
    here = household_create(user=officer, head=PersonFactory(township=honglai))
    for attempt in (
        lambda: household_member_add(user=officer, household=here, person=moved, relation="child"),
        lambda: household_create(user=officer, head=moved),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        (message,) = [m for messages in exc.value.message_dict.values() for m in messages]
        assert message == f"{moved.name} 已是其他乡镇（街道）一个家庭的成员。"
        assert "林大户" not in message and str(old.pk) not in message
    with pytest.raises(ValidationError) as exc:
        household_member_add(user=staff, household=here, person=moved, relation="child")
    assert f"家庭编号 {old.pk}" in exc.value.message_dict["person"][0]


def test_identity_unknown_person_needs_no_id_number(staff):
    person = person_create(user=staff, identity_unknown=True, name="无名氏")
    assert person.id_number is None and person.township_id is None


def test_disability_grade_outside_1_to_4_is_refused_without_the_db_check(staff, honglai):
    with pytest.raises(ValidationError) as exc:
        person_create(
            user=staff,
            name="某",
            id_number=make_id_number(),
            township=honglai,
            disability_category="physical",
            disability_grade=7,
        )
    assert "disability_grade" in exc.value.message_dict


def test_an_id_number_taken_by_someone_else_is_refused_with_the_fields_message_and_ones_own_is_not(officer, honglai):
    """The ID number is kept to one person by a unique index of the schema's
    (person_id_number_unique), which the service checks first, with the message the import and the
    admin give; a person saved again with their own number is not refused."""
    from django.db import IntegrityError, transaction

    existing = person_create(user=officer, name="陈志明", id_number=make_id_number(), township=honglai)
    with pytest.raises(ValidationError) as exc:
        person_create(user=officer, name="林美玲", id_number=existing.id_number, township=honglai)
    assert exc.value.message_dict["id_number"] == ["系统中已有此身份证号的人员。"]  # the import's, the same
    other = person_create(user=officer, name="林美玲", id_number=make_id_number(), township=honglai)
    with pytest.raises(ValidationError) as exc:
        person_update(user=officer, person=other, name="林美玲", id_number=existing.id_number, township=honglai)
    assert list(exc.value.message_dict) == ["id_number"]
    person_update(user=officer, person=existing, name="陈志明", id_number=existing.id_number, township=honglai)
    with pytest.raises(IntegrityError), transaction.atomic():  # the schema's own guard, past the service
        Person.objects.create(name="林美玲", id_number=existing.id_number, township=honglai)
    assert Person.objects.filter(id_number=existing.id_number).count() == 1
