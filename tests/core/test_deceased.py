"""A deceased person is never made a household head or member, whichever door the request came
through (issue 16, item 2): the service refuses, naming the person and the date of death."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import Household, HouseholdMember
from core.services.people import household_create, household_member_add
from tests.factories import HouseholdFactory, PersonFactory

DIED = datetime.date(2025, 3, 1)


@pytest.fixture
def dead(honglai):
    return PersonFactory(township=honglai, name="陈志明", date_of_death=DIED)


HEAD_REFUSED = "陈志明已于 2025-03-01 去世，不能作为户主。"
MEMBER_REFUSED = "陈志明已于 2025-03-01 去世，不能加入家庭。"


def test_the_service_refuses_a_deceased_head(officer, dead):
    with pytest.raises(ValidationError) as exc:
        household_create(user=officer, head=dead, address="洪濑镇1号")
    assert exc.value.message_dict == {"head": [HEAD_REFUSED]}
    assert not Household.objects.exists()


def test_the_service_refuses_a_deceased_member(officer, dead, honglai):
    household = HouseholdFactory(head=PersonFactory(township=honglai, name="林秀英"))
    with pytest.raises(ValidationError) as exc:
        household_member_add(user=officer, household=household, person=dead, relation=Household.Relation.CHILD)
    assert exc.value.message_dict == {"person": [MEMBER_REFUSED]}
    with pytest.raises(ValidationError) as exc:  # nor among a new household's members
        household_create(user=officer, head=PersonFactory(township=honglai), members=[(dead, "child")])
    assert exc.value.message_dict == {"person": [MEMBER_REFUSED]}
    assert not HouseholdMember.objects.filter(person=dead).exists()


def test_a_deceased_persons_page_offers_no_household_and_a_post_is_refused(officer, client_for, dead, honglai):
    client = client_for(officer)
    page = client.get(f"/core/people/{dead.pk}/").content.decode()
    assert "以此人为户主建户" not in page and "已故人员不能作为户主建户" in page
    living = PersonFactory(township=honglai)
    assert "以此人为户主建户" in client.get(f"/core/people/{living.pk}/").content.decode()
    response = client.post(f"/core/people/{dead.pk}/household/", {"address": "洪濑镇1号"}, follow=True)
    assert HEAD_REFUSED in response.content.decode()
    assert not Household.objects.exists()


def test_the_household_page_refuses_a_deceased_member(officer, client_for, dead, honglai):
    household = HouseholdFactory(head=PersonFactory(township=honglai, name="林秀英"))
    response = client_for(officer).post(
        f"/core/households/{household.pk}/members/", {"id_number": dead.id_number, "relation": "child"}, follow=True
    )
    assert MEMBER_REFUSED in response.content.decode()
    assert household.members.count() == 1


def test_the_api_refuses_a_deceased_head_and_member(officer, client_for, dead, honglai):
    client = client_for(officer)
    created = client.post("/api/v1/households/", {"head": dead.pk}, content_type="application/json")
    assert created.status_code == 400 and HEAD_REFUSED in str(created.json()), created.json()
    household = HouseholdFactory(head=PersonFactory(township=honglai, name="林秀英"))
    added = client.post(
        f"/api/v1/households/{household.pk}/members/", {"person": dead.pk, "relation": "child"},
        content_type="application/json",
    )  # fmt: skip
    assert added.status_code == 400 and MEMBER_REFUSED in str(added.json()), added.json()
    assert household.members.count() == 1
