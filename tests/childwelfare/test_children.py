"""The child's file and its categories: ages, overlaps, the parents' situations, and who may record what."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from childwelfare.models import Child, ChildCategory
from childwelfare.models.children import CategoryCode, ParentSituation
from childwelfare.services.children import CategoryInput, category_add, category_end, child_file_open
from core.categories import CATEGORIES
from tests.childwelfare.conftest import TODAY, distress, left_behind, orphan, person_born, years_ago


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


def test_a_file_is_opened_on_a_person_under_18_with_overlapping_categories(open_file):
    child = open_file(10, categories=[left_behind(years_ago(1)), distress(years_ago(1), "guardianship")])
    assert sorted(child.categories.values_list("code", flat=True)) == ["distress", "left_behind"]
    assert child.township_id == child.person.township_id
    assert child.visit_due_on is not None  # a child in a category is due a visit


def test_a_person_of_18_cannot_be_given_a_file_or_a_category_and_the_field_is_named(staff):
    adult = person_born(years_ago(18))
    errors = errors_of(
        lambda: child_file_open(user=staff, person=adult, care_setting="kinship", categories=[distress(years_ago(1))])
    )
    assert "person" in errors and "categories" in errors
    assert not Child.objects.filter(person=adult).exists()


def test_a_category_cannot_start_on_or_after_the_18th_birthday_nor_end_after_it(open_file, staff):
    # A file opened at 17 for someone who is 19 now: a category starting today is refused on `person`.
    grown = person_born(years_ago(19), name="黄大明")
    file = Child.objects.create(
        person=grown, township=grown.township, care_setting="kinship", opened_on=years_ago(2), created_by=staff
    )
    errors = errors_of(lambda: category_add(user=staff, child=file, data=distress(TODAY)))
    assert "person" in errors and "18" in errors["person"][0]
    child = open_file(17, days=300)
    eighteenth = child.person.birth_date.replace(year=child.person.birth_date.year + 18)
    late = CategoryInput(
        code="distress", start=TODAY, end=eighteenth + datetime.timedelta(days=5), distress_reason="poverty"
    )
    assert "end" in errors_of(lambda: category_add(user=staff, child=child, data=late))


def test_left_behind_needs_a_child_under_16(open_file, staff):
    child = open_file(16, days=10)
    errors = errors_of(lambda: category_add(user=staff, child=child, data=left_behind(TODAY)))
    assert "code" in errors and "16" in errors["code"][0]
    younger = open_file(15, name="林小华")
    assert category_add(user=staff, child=younger, data=left_behind(TODAY)).code == CategoryCode.LEFT_BEHIND


def test_left_behind_needs_parents_away_or_one_away_and_the_other_unable(open_file, staff):
    child = open_file(9)
    both_home = CategoryInput(
        code="left_behind", start=TODAY, father_situation="working_away", mother_situation="present"
    )
    assert "father_situation" in errors_of(lambda: category_add(user=staff, child=child, data=both_home))
    one_unable = CategoryInput(
        code="left_behind", start=TODAY, father_situation="working_away", mother_situation="severe_disability"
    )
    assert category_add(user=staff, child=child, data=one_unable).pk


@pytest.mark.parametrize(
    ("father", "mother", "ok"),
    [
        ("deceased", "deceased", True),
        ("deceased", "missing", True),
        ("deceased", "imprisoned", False),
        ("present", "deceased", False),
    ],
)
def test_an_orphan_has_both_parents_dead_or_not_found(open_file, staff, father, mother, ok):
    child = open_file(6)
    data = CategoryInput(code="orphan", start=TODAY, father_situation=father, mother_situation=mother)
    if ok:
        assert category_add(user=staff, child=child, data=data).pk
    else:
        assert "father_situation" in errors_of(lambda: category_add(user=staff, child=child, data=data))


@pytest.mark.parametrize(
    ("father", "mother", "ok"),
    [
        ("imprisoned", "severe_disability", True),
        ("deceased", "compulsory_rehab", True),
        ("missing", "grave_illness", True),
        ("deceased", "deceased", False),  # an orphan, not de facto
        ("imprisoned", "present", False),
        ("working_away", "imprisoned", False),
    ],
)
def test_a_de_facto_unsupported_child_has_the_qualifying_parents_situations(open_file, staff, father, mother, ok):
    child = open_file(6)
    data = CategoryInput(code="de_facto_unsupported", start=TODAY, father_situation=father, mother_situation=mother)
    if ok:
        assert category_add(user=staff, child=child, data=data).pk
    else:
        assert "father_situation" in errors_of(lambda: category_add(user=staff, child=child, data=data))


def test_periods_of_the_same_category_do_not_overlap(open_file, staff):
    child = open_file(8, categories=[distress(years_ago(2))])
    errors = errors_of(lambda: category_add(user=staff, child=child, data=distress(years_ago(1))))
    assert "start" in errors


def test_a_category_changes_over_time_end_one_then_start_another(open_file, staff):
    child = open_file(12, categories=[left_behind(years_ago(3))])
    first = child.categories.get()
    category_end(user=staff, category=first, end=years_ago(1), reason="父亲返乡")
    # The parents' situation changed: the same child is an orphan from later on (the bureau's ledger).
    later = category_add(user=staff, child=child, data=orphan(years_ago(0, 100)))
    assert [c.code for c in child.categories.order_by("start")] == ["left_behind", "orphan"]
    assert later.end is None


def test_two_periods_of_one_category_given_together_are_refused(staff):
    person = person_born(years_ago(9))
    errors = errors_of(
        lambda: child_file_open(
            user=staff,
            person=person,
            care_setting="kinship",
            categories=[distress(years_ago(2)), distress(years_ago(1))],
        )
    )
    assert "categories" in errors
    assert not Child.objects.filter(person=person).exists()


def test_left_behind_and_orphan_cannot_run_at_the_same_time(open_file, staff):
    child = open_file(12, categories=[left_behind(years_ago(1))])
    assert "code" in errors_of(lambda: category_add(user=staff, child=child, data=orphan(TODAY)))


def test_distress_needs_its_reason(open_file, staff):
    child = open_file(5)
    data = CategoryInput(code="distress", start=TODAY)
    assert "distress_reason" in errors_of(lambda: category_add(user=staff, child=child, data=data))


def test_a_village_assistant_cannot_record_an_orphan_without_the_recognition(open_file, assistant):
    child = open_file(7)
    errors = errors_of(lambda: category_add(user=assistant, child=child, data=orphan(TODAY)))
    assert "code" in errors and "认定" in errors["code"][0]


def test_another_townships_assistant_cannot_add_to_the_file(open_file, make_user, staff):
    child = open_file(7)
    stranger = make_user("village_assistant", "350583119")
    assert "child" in errors_of(lambda: category_add(user=stranger, child=child, data=distress(TODAY)))


def test_the_database_refuses_two_open_periods_of_one_category(open_file, staff):
    child = open_file(7, categories=[distress(years_ago(1))])
    with pytest.raises(IntegrityError):
        ChildCategory.objects.create(
            child=child, code="distress", start=TODAY, created_by=staff, distress_reason="poverty"
        )


def test_other_apps_ask_the_categories_by_code(open_file):
    child = open_file(9, categories=[orphan(years_ago(1))])
    pid = child.person_id
    assert CATEGORIES["orphan"].members([pid], TODAY) == {pid}
    assert CATEGORIES["orphan"].members([pid], years_ago(2)) == set()
    assert CATEGORIES["de_facto_unsupported"].members([pid], TODAY) == set()


def test_dates_outside_the_window_are_refused_naming_the_field(open_file, staff):
    child = open_file(9)
    data = CategoryInput(code="distress", start=datetime.date(1800, 1, 1), distress_reason="poverty")
    assert "start" in errors_of(lambda: category_add(user=staff, child=child, data=data))
    future = CategoryInput(code="distress", start=TODAY + datetime.timedelta(days=3), distress_reason="poverty")
    assert "start" in errors_of(lambda: category_add(user=staff, child=child, data=future))


def test_situations_are_named_values(open_file, staff):
    child = open_file(9)
    data = CategoryInput(
        code="orphan", start=TODAY, father_situation="eaten_by_wolves", mother_situation=ParentSituation.DECEASED
    )
    assert "father_situation" in errors_of(lambda: category_add(user=staff, child=child, data=data))


def test_a_file_cannot_be_opened_before_the_child_was_born(staff):
    """Found by review: only 1900..today was checked, so a file of a child born in 2021 opened in 1900."""
    from tests.childwelfare.conftest import api

    person = person_born(years_ago(4))
    with pytest.raises(ValidationError) as exc:
        child_file_open(
            user=staff, person=person, care_setting="kinship", opened_on=person.birth_date - datetime.timedelta(days=1)
        )
    assert list(exc.value.message_dict) == ["opened_on"]
    response = api(staff).post(
        "/api/v1/childwelfare/children/",
        {"person": person.pk, "care_setting": "kinship", "opened_on": "1900-01-01"},
        format="json",
    )
    assert response.status_code == 400 and list(response.json()) == ["opened_on"], response.json()
    assert not Child.objects.exists()
    born_today = child_file_open(user=staff, person=person, care_setting="kinship", opened_on=person.birth_date)
    assert born_today.opened_on == person.birth_date
