"""孤儿、事实无人抚养儿童认定: application → township verification → bureau confirmation, each step
by its role and in its order; the tekun conflict refuses the second support."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from childwelfare.models import Recognition
from childwelfare.services._common import add_working_days
from childwelfare.services.recognitions import (
    recognition_apply,
    recognition_confirm,
    recognition_reject,
    recognition_verify,
)
from core.exceptions import ApplicationError
from tests.childwelfare.conftest import TODAY


def apply_for(child, user, kind="orphan", father="deceased", mother="deceased", **kwargs):
    return recognition_apply(
        user=user, child=child, kind=kind, applied_on=kwargs.pop("applied_on", TODAY - datetime.timedelta(days=5)),
        applicant_name="陈大伯", applicant_relation="伯父", father_situation=father, mother_situation=mother,
        evidence="父母死亡证明", **kwargs,
    )  # fmt: skip


def test_the_whole_workflow_adds_the_category_from_the_day_of_confirmation(open_file, assistant, officer, staff):
    child = open_file(8, user=assistant)
    r = apply_for(child, assistant)
    assert r.state == Recognition.State.APPLIED
    assert r.verify_due == add_working_days(r.applied_on, 15)
    assert r.verify_due >= r.applied_on + datetime.timedelta(days=21)  # 15 working days are three weeks or more
    r = recognition_verify(user=officer, recognition=r, opinion="经入户核查属实")
    assert r.state == Recognition.State.VERIFIED and r.confirm_due == add_working_days(TODAY, 15)
    r = recognition_confirm(user=staff, recognition=r, opinion="同意")
    assert r.state == Recognition.State.CONFIRMED
    category = child.categories.get(code="orphan")
    assert (category.start, category.end, category.recognition_id) == (TODAY, None, r.pk)


def test_the_bureau_cannot_confirm_before_the_township_verifies(open_file, assistant, staff):
    r = apply_for(open_file(8, user=assistant), assistant)
    with pytest.raises(ApplicationError) as exc:
        recognition_confirm(user=staff, recognition=r)
    assert exc.value.code == "illegal_transition"
    assert Recognition.objects.get(pk=r.pk).state == Recognition.State.APPLIED


def test_a_village_assistant_cannot_verify_and_a_township_officer_cannot_confirm(open_file, assistant, officer):
    r = apply_for(open_file(8, user=assistant), assistant)
    with pytest.raises(ApplicationError):
        recognition_verify(user=assistant, recognition=r, opinion="属实")
    r = recognition_verify(user=officer, recognition=r, opinion="属实")
    with pytest.raises(ApplicationError):
        recognition_confirm(user=officer, recognition=r)


def test_another_townships_officer_cannot_verify(open_file, assistant, shuitou_officer):
    r = apply_for(open_file(8, user=assistant), assistant)
    with pytest.raises(ApplicationError):
        recognition_verify(user=shuitou_officer, recognition=r, opinion="属实")


def test_verification_needs_an_opinion(open_file, assistant, officer):
    r = apply_for(open_file(8, user=assistant), assistant)
    with pytest.raises(ValidationError) as exc:
        recognition_verify(user=officer, recognition=r, opinion="")
    assert "opinion" in exc.value.message_dict


def test_an_application_whose_parents_do_not_qualify_is_refused(open_file, assistant):
    child = open_file(8, user=assistant)
    with pytest.raises(ValidationError) as exc:
        apply_for(child, assistant, kind="de_facto_unsupported", father="present", mother="imprisoned")
    assert "father_situation" in exc.value.message_dict


def test_one_open_application_per_child(open_file, assistant):
    child = open_file(8, user=assistant)
    apply_for(child, assistant)
    with pytest.raises(ValidationError) as exc:
        apply_for(child, assistant)
    assert "child" in exc.value.message_dict


def test_a_rejected_application_adds_nothing(open_file, assistant, officer):
    child = open_file(8, user=assistant)
    r = recognition_reject(user=officer, recognition=apply_for(child, assistant), opinion="其母在家抚养")
    assert r.state == Recognition.State.REJECTED
    assert not child.categories.exists()


def test_confirmation_is_refused_when_the_child_turned_18_meanwhile(open_file, assistant, officer, staff):
    child = open_file(17, days=360, user=assistant)
    r = recognition_verify(user=officer, recognition=apply_for(child, assistant), opinion="属实")
    later = child.person.birth_date.replace(year=child.person.birth_date.year + 18)
    assert later <= TODAY + datetime.timedelta(days=6)
    # Confirming on a day the child is 18: refused on the person, nothing added.
    if later <= TODAY:
        with pytest.raises(ValidationError):
            recognition_confirm(user=staff, recognition=r)
        assert not child.categories.exists()


def test_the_tekun_conflict_refuses_the_orphan_recognition_of_a_tekun_child(
    standards, assistant, officer, make_user, staff
):
    """A child supported as tekun (a real assistance case, asked through core.categories) is not
    also confirmed as an orphan: the confirmation is refused naming the rule, nothing is added."""
    from assistance.models import Case
    from assistance.services.cases import case_transition
    from childwelfare.services.children import child_file_open
    from tests.assistance.conftest import apply, family, to_notice
    from tests.childwelfare.conftest import years_ago
    from tests.factories import make_id_number

    household = family(1, name="陈小特", id_number=make_id_number(years_ago(10)))
    case = apply(assistant, household, kind=Case.Kind.TEKUN, subtype="centralised", income=None)
    case = to_notice(case, investigator=assistant, reviewer=officer)
    case_transition(user=make_user("township_officer", officer.township_id), case=case, action="confirm")
    child = child_file_open(user=assistant, person=household.head, care_setting="institution")

    r = recognition_verify(user=officer, recognition=apply_for(child, assistant), opinion="属实")
    with pytest.raises(ValidationError) as exc:
        recognition_confirm(user=staff, recognition=r)
    assert "kind" in exc.value.message_dict and "特困" in exc.value.message_dict["kind"][0]
    assert not child.categories.exists()
    assert Recognition.objects.get(pk=r.pk).state == Recognition.State.VERIFIED


def test_the_tekun_conflict_refuses_a_tekun_application_for_a_child_supported_as_an_orphan(assistant, staff):
    """The other direction (issue 11): a child already recognised as an orphan (asked through
    core.categories) gets no tekun application; the refusal names the kind and nothing is saved."""
    from assistance.models import Case
    from childwelfare.services.children import child_file_open
    from tests.assistance.conftest import apply, days_ago, family
    from tests.assistance.conftest import errors_of as refused
    from tests.childwelfare.conftest import orphan, years_ago
    from tests.factories import make_id_number

    household = family(1, name="林小孤", id_number=make_id_number(years_ago(9)))
    child_file_open(user=staff, person=household.head, care_setting="institution", categories=[orphan(days_ago(100))])
    errors = refused(lambda: apply(assistant, household, kind=Case.Kind.TEKUN, subtype="centralised", income=None))
    assert "kind" in errors and "孤儿" in errors["kind"][0]
    assert not Case.objects.exists()
