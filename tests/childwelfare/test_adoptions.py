"""收养登记: each legal rule refuses by name, and nothing is saved."""

import pytest
from django.core.exceptions import ValidationError

from childwelfare.models import Adoption
from childwelfare.services.adoptions import adoption_register
from tests.childwelfare.conftest import TODAY, orphan, person_born, years_ago


def register(staff, adopters, child, **kwargs):
    kwargs.setdefault("existing_children", 0)
    kwargs.setdefault("registered_on", TODAY)
    return adoption_register(user=staff, adopters=adopters, child=child, **kwargs)


def refused(call) -> dict:
    before = Adoption.objects.count()
    with pytest.raises(ValidationError) as exc:
        call()
    assert Adoption.objects.count() == before
    return exc.value.message_dict


def test_a_lawful_adoption_is_registered_with_a_number(staff):
    couple = [person_born(years_ago(35), name="王建国"), person_born(years_ago(33), male=False, name="李美玲")]
    child = person_born(years_ago(3), name="王小宝")
    adoption = register(staff, couple, child)
    assert adoption.registration_no.startswith(f"南收登字（{TODAY.year}）第")
    assert (adoption.adopter_id, adoption.second_adopter_id) == (couple[0].pk, couple[1].pk)


def test_an_adopter_under_30_is_refused_by_rule_adopter_age(staff):
    errors = refused(lambda: register(staff, [person_born(years_ago(29, 10))], person_born(years_ago(2))))
    assert list(errors) == ["adopter_age"]


def test_an_adopter_with_two_children_is_refused_by_rule_existing_children(staff):
    errors = refused(
        lambda: register(staff, [person_born(years_ago(40))], person_born(years_ago(2)), existing_children=2)
    )
    assert list(errors) == ["existing_children"]


def test_an_orphan_may_be_adopted_whatever_the_adopters_children(staff, open_file):
    child = open_file(4, categories=[orphan(years_ago(1))])
    adoption = register(staff, [person_born(years_ago(40))], child.person, existing_children=2)
    # The orphan's category (and so the allowance) ends on the registration date.
    assert child.categories.get().end == adoption.registered_on


def test_a_single_adopter_of_a_child_of_the_other_sex_needs_40_years_gap_rule_age_gap(staff):
    man = person_born(years_ago(45), name="张三")
    girl = person_born(years_ago(6), male=False, name="张小妹")
    assert list(refused(lambda: register(staff, [man], girl))) == ["age_gap"]
    boy = person_born(years_ago(6), name="张小弟")
    assert register(staff, [man], boy).pk  # same sex: no gap rule
    older = person_born(years_ago(47), name="张四")
    assert register(staff, [older], girl).pk  # 41 years older


def test_a_child_of_8_or_more_must_consent_rule_child_consent(staff):
    adopter = person_born(years_ago(40))
    child = person_born(years_ago(8), name="林小华")
    assert list(refused(lambda: register(staff, [adopter], child))) == ["child_consent"]
    assert list(refused(lambda: register(staff, [adopter], child, child_consent=False))) == ["child_consent"]
    assert register(staff, [adopter], child, child_consent=True).pk


def test_several_failed_rules_are_all_named(staff):
    errors = refused(
        lambda: register(
            staff, [person_born(years_ago(25))], person_born(years_ago(9), male=False), existing_children=3
        )
    )
    assert {"adopter_age", "existing_children", "age_gap", "child_consent"} <= set(errors)


def test_an_unsuitable_assessment_is_refused(staff):
    errors = refused(
        lambda: register(staff, [person_born(years_ago(40))], person_born(years_ago(2)), assessment_result="unsuitable")
    )
    assert list(errors) == ["assessment"]


def test_only_the_bureau_registers_adoptions(officer):
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        register(officer, [person_born(years_ago(40))], person_born(years_ago(2)))
