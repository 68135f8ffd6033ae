"""A deceased person is never made an applicant (issue 16, item 2): the service refuses, naming the
person and the date of death, on the intake page and the API alike; the covered members are the
household's living members."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from assistance.models import Case
from assistance.services.cases import case_applicant_find
from core.models import Household, HouseholdMember
from tests.assistance.conftest import apply, days_ago, family
from tests.factories import PersonFactory

DIED = datetime.date(2025, 3, 1)
REFUSED = "林秀英已于 2025-03-01 去世，不能作为申请人。"


@pytest.fixture
def household_with_a_dead_member(db):
    household = family(2)
    HouseholdMember.objects.create(
        household=household,
        person=PersonFactory(township=household.township, name="林秀英", date_of_death=DIED),
        relation=Household.Relation.SPOUSE,
    )
    return household


def _dead(household):
    return household.members.get(person__date_of_death__isnull=False).person


def test_the_service_refuses_a_deceased_applicant(standards, officer, household_with_a_dead_member):
    dead = _dead(household_with_a_dead_member)
    with pytest.raises(ValidationError) as exc:
        case_applicant_find(user=officer, id_number=dead.id_number)
    assert exc.value.message_dict == {"id_number": [REFUSED]}
    with pytest.raises(ValidationError) as exc:
        apply(officer, household_with_a_dead_member, applicant=dead)
    assert exc.value.message_dict["applicant"] == [REFUSED]
    assert not Case.objects.exists()


def test_a_deceased_head_cannot_apply_by_default_either(standards, officer):
    household = family(2, name="林秀英", date_of_death=DIED)
    with pytest.raises(ValidationError) as exc:
        apply(officer, household)
    assert exc.value.message_dict["applicant"] == [REFUSED]


def test_the_covered_members_are_the_living(standards, officer, household_with_a_dead_member):
    case = apply(officer, household_with_a_dead_member)
    assert case.members.count() == 2
    assert not case.members.filter(person__date_of_death__isnull=False).exists()


def test_the_intake_page_refuses_a_deceased_applicant(standards, client_for, assistant, household_with_a_dead_member):
    dead = _dead(household_with_a_dead_member)
    response = client_for(assistant).post(
        "/assistance/cases/new/",
        {"id_number": dead.id_number, "kind": "dibao", "subtype": "", "applied_on": days_ago(1).isoformat(),
         "income-TOTAL_FORMS": "0", "income-INITIAL_FORMS": "0", "asset-TOTAL_FORMS": "0", "asset-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Case.objects.exists()


def test_the_api_refuses_a_deceased_applicant(standards, assistant, household_with_a_dead_member):
    client = APIClient()
    client.force_authenticate(assistant)
    response = client.post(
        "/api/v1/assistance/cases/",
        {"applicant_id_number": _dead(household_with_a_dead_member).id_number, "kind": "dibao",
         "applied_on": days_ago(20).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["applicant_id_number"] == [REFUSED], response.json()
    assert not Case.objects.exists()
