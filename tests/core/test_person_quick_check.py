"""The people import takes a row as plain values when person_surely_valid says yes, and sends
every other row through person_build and person_validate for its errors. So the quick yes must
never be given where person_validate says no: each variant of a row below, good or bad at one
rule, is judged by both, and the good ones get the quick yes (else the quick lane is no lane)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.identifiers import id_number_with_check_digit
from core.models import Division
from core.services.people import person_build, person_surely_valid, person_validate
from tests.factories import HONGLAI, SHUITOU, make_id_number

LATE = id_number_with_check_digit("35058319700101001")  # 350583 (南安市) came into force in 1993


def _variants(honglai, shuitou, village, other_village):
    good = {"name": "陈志明", "id_number": make_id_number(datetime.date(1980, 5, 1)), "phone": "13905951234",
            "township": honglai, "village": village}  # fmt: skip
    bad_check = good["id_number"][:17] + ("0" if good["id_number"][17] != "0" else "1")
    future = id_number_with_check_digit(f"350583{timezone.localdate().year + 1}0101001")
    yield "good", good, True
    yield "good without a phone or village", {**good, "phone": "", "village": None}, True
    yield "good, urban and disabled", {**good, "hukou": "urban", "disability_category": "physical",
                                       "disability_grade": 2}, True  # fmt: skip
    yield "good, a landline", {**good, "phone": "0595-86383000"}, True
    yield "good, a late registration", {**good, "id_number": LATE}, True
    yield "good, a minority name", {**good, "name": "买买提·艾力"}, True
    for label, change in [
        ("no name", {"name": ""}),
        ("a name of 51 characters", {"name": "陈" * 51}),
        ("a formula as a name", {"name": "=HYPERLINK(1)"}),
        ("a digit in the name", {"name": "陈1明"}),
        ("a control character in the name", {"name": "陈\x07明"}),
        ("no ID number", {"id_number": ""}),
        ("17 digits", {"id_number": good["id_number"][:17]}),
        ("a wrong check digit", {"id_number": bad_check}),
        ("born in 1800", {"id_number": id_number_with_check_digit("35058318000101001")}),
        ("born next year", {"id_number": future}),
        ("born on 30 February", {"id_number": id_number_with_check_digit("35058319800230001")}),
        ("an unknown region", {"id_number": id_number_with_check_digit("99999919800101001")}),
        ("a bad phone", {"phone": "12345"}),
        ("a phone of 21 characters", {"phone": "1" * 21}),
        ("no township", {"township": None}),
        ("a village as the township", {"township": village}),
        ("another township's village", {"village": other_village}),
        ("a township as the village", {"village": shuitou}),
        ("an unknown hukou", {"hukou": "abroad"}),
        ("a category without a grade", {"disability_category": "visual"}),
        ("a grade without a category", {"disability_grade": 2}),
        ("grade 5", {"disability_category": "visual", "disability_grade": 5}),
        ("an unknown category", {"disability_category": "other", "disability_grade": 1}),
    ]:
        yield label, {**good, **change}, False


def _service_accepts(data, user, today) -> bool:
    person = person_build(today=today, **data)
    try:
        person_validate(person, user=user, check_unique=False, today=today)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_the_quick_yes_is_given_only_where_the_service_says_yes(role, request):
    user = request.getfixturevalue(role)
    today = timezone.localdate()
    honglai, shuitou = Division.objects.get(code=HONGLAI), Division.objects.get(code=SHUITOU)
    village, _ = Division.objects.get_or_create(
        code=HONGLAI + "298", defaults={"name": "测试村", "level": Division.Level.VILLAGE, "parent": honglai}
    )
    other_village, _ = Division.objects.get_or_create(
        code=SHUITOU + "298", defaults={"name": "测试社区", "level": Division.Level.VILLAGE, "parent": shuitou}
    )
    allowed = {t.pk for t in (honglai, shuitou) if user.is_city_level or t.pk == user.township_id}
    cases = list(_variants(honglai, shuitou, village, other_village))
    if role == "officer":  # the officer of 洪濑镇 registers no one in 水头镇
        cases.append(("another township", {**cases[0][1], "township": shuitou, "village": other_village}, False))
    for label, data, good in cases:
        quick = person_surely_valid(**data, townships_allowed=allowed, today=today)
        service = _service_accepts(data, user, today)
        assert service == good, label
        assert (quick is not None) == good, label
        if quick is not None:
            built = person_build(today=today, **data)
            assert (quick.birth_date, quick.sex, quick.note) == (built.birth_date, built.sex, built.id_note), label
