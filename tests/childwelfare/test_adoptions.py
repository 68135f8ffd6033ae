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


# --- one registration per child, and the certificate numbers (found by review) ----------------------


def test_a_child_already_adopted_is_refused_a_second_registration(staff):
    child = person_born(years_ago(3), name="王小宝")
    first = register(staff, [person_born(years_ago(40), name="王建国")], child)
    errors = refused(lambda: register(staff, [person_born(years_ago(42), name="李国强")], child))
    assert list(errors) == ["child"] and first.registration_no in errors["child"][0]


def test_a_double_submit_of_the_adoption_form_registers_the_child_once(staff, client_for):
    adopter, child = person_born(years_ago(40), name="王建国"), person_born(years_ago(3), name="王小宝")
    form = {"adopter": adopter.id_number, "child": child.id_number, "child_consent": "unknown",
            "existing_children": "0", "registered_on": TODAY.isoformat()}  # fmt: skip
    client = client_for(staff)
    assert client.post("/childwelfare/adoptions/new/", form).status_code == 302
    again = client.post("/childwelfare/adoptions/new/", form)
    assert again.status_code == 200 and "不能重复登记" in again.content.decode()
    assert Adoption.objects.filter(child=child).count() == 1


def _waiting_for_the_years_numbers(timeout: float = 10) -> bool:
    """True once another connection waits for the advisory lock that numbers a year's registrations."""
    import time

    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _while_a_registration_is_uncommitted(first, second) -> tuple[dict, bool]:
    """Run `second` in another connection while `first`'s transaction is still open, and let it go on
    only when `first` commits: both have read the register before either was saved."""
    import threading

    from django.db import connection, transaction

    outcome = {}

    def run():
        try:
            outcome["result"] = second()
        except Exception as exc:  # reported below: a thread's failure must fail the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    with transaction.atomic():
        first()
        thread.start()
        waited = _waiting_for_the_years_numbers()
    thread.join(timeout=30)
    return outcome, waited


@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_child_at_once_leave_one_and_refuse_the_other_cleanly(staff):
    child = person_born(years_ago(3), name="王小宝")
    one, other = person_born(years_ago(40), name="王建国"), person_born(years_ago(42), name="李国强")
    outcome, waited = _while_a_registration_is_uncommitted(
        lambda: register(staff, [one], child), lambda: register(staff, [other], child)
    )
    # The second read "not adopted yet" before the first committed: the database refused it, and the
    # refusal is the same field error as the service's own check, not an IntegrityError (a 500).
    assert waited
    assert isinstance(outcome.get("error"), ValidationError), outcome
    assert list(outcome["error"].message_dict) == ["child"]
    assert Adoption.objects.filter(child=child).count() == 1


def test_an_automatic_number_follows_the_highest_of_the_year_after_a_typed_one(staff):
    prefix = f"南收登字（{TODAY.year}）第"
    typed = register(staff, [person_born(years_ago(40), name="王建国")], person_born(years_ago(3), name="王小宝"),
                     registration_no=f"{prefix}0002号")  # fmt: skip
    assert typed.registration_no == f"{prefix}0002号"
    after = register(staff, [person_born(years_ago(41), name="李国强")], person_born(years_ago(4), name="李小龙"))
    assert after.registration_no == f"{prefix}0003号"
    again = register(staff, [person_born(years_ago(42), name="陈志明")], person_born(years_ago(5), name="陈小虎"))
    assert again.registration_no == f"{prefix}0004号"


@pytest.mark.django_db(transaction=True)
def test_two_automatic_numbers_taken_at_once_do_not_collide(staff):
    pairs = [
        ([person_born(years_ago(40), name="王建国")], person_born(years_ago(3), name="王小宝")),
        ([person_born(years_ago(41), name="李国强")], person_born(years_ago(4), name="李小龙")),
    ]
    outcome, waited = _while_a_registration_is_uncommitted(
        lambda: register(staff, *pairs[0]), lambda: register(staff, *pairs[1])
    )
    assert "error" not in outcome, outcome
    prefix = f"南收登字（{TODAY.year}）第"
    assert sorted(Adoption.objects.values_list("registration_no", flat=True)) == [f"{prefix}0001号", f"{prefix}0002号"]
    assert waited  # the second waited for the first's number, it did not guess past it


# --- the list's year ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["10000", "-1", "二〇二五"])
def test_a_year_out_of_range_on_the_adoption_list_is_told_not_a_500(staff, client_for, year):
    register(staff, [person_born(years_ago(40), name="王建国")], person_born(years_ago(3), name="王小宝"))
    response = client_for(staff).get("/childwelfare/adoptions/", {"year": year})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="year-error"' in html and "王小宝" not in html


def test_a_year_out_of_range_on_the_adoption_export_goes_back_to_the_list(staff, client_for):
    response = client_for(staff).get("/childwelfare/adoptions/export/", {"year": "10000"})
    assert response.status_code == 302 and response["Location"].endswith("/childwelfare/adoptions/")


def test_the_adoption_list_still_filters_by_a_valid_year(staff, client_for):
    register(staff, [person_born(years_ago(40), name="王建国")], person_born(years_ago(3), name="王小宝"))
    client = client_for(staff)
    assert "王小宝" in client.get("/childwelfare/adoptions/", {"year": TODAY.year}).content.decode()
    assert "王小宝" not in client.get("/childwelfare/adoptions/", {"year": TODAY.year - 1}).content.decode()
    assert "王小宝" in client.get("/childwelfare/adoptions/", {"year": ""}).content.decode()
