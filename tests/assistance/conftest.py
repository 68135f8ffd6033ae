import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.models import Case, Transition
from assistance.services.cases import IncomeInput, case_create, case_transition
from core.models import Household, HouseholdMember
from core.roles import Role
from tests.factories import HONGLAI, HouseholdFactory, PersonFactory

TODAY = datetime.date.today()


@pytest.fixture
def second_officer(make_user):
    return make_user(Role.TOWNSHIP_OFFICER, HONGLAI)


def family(size: int = 3, township=None, **head):
    """A household of `size` living members in 洪濑镇 (or `township`)."""
    kwargs = {"township": township} if township else {}
    household = HouseholdFactory(head=PersonFactory(**kwargs, **head))
    for _ in range(size - 1):
        HouseholdMember.objects.create(
            household=household, person=PersonFactory(township=household.township), relation=Household.Relation.CHILD
        )
    return household


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def apply(user, household, kind=Case.Kind.DIBAO, income=("wages", "600"), **kwargs):
    items = [IncomeInput(kind=income[0], monthly_amount=Decimal(income[1]))] if income else []
    kwargs.setdefault("applied_on", days_ago(20))
    return case_create(user=user, kind=kind, household=household, income_items=items, **kwargs)


def entered_on(case, action: str, day: datetime.date) -> None:
    """Say that the case's `action` step was entered in the system on `day` (tests run the steps now)."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    Transition.objects.filter(case=case, action=action).update(entered_at=at)


def to_notice(case, *, investigator, reviewer, start=20, investigators="黄秀英、陈国华"):
    """accept → investigate → review → publish notice, back-dated so the notice has run its 7 days,
    and each step entered on the day it states (as a clerk entering the work as it happens would)."""
    steps = [
        (investigator, "accept", {}),
        (investigator, "investigate", {"investigators": investigators, "verification": "passed"}),
        (reviewer, "review", {"opinion": "符合条件"}),
        (reviewer, "publish_notice", {}),
    ]
    entered_on(case, "create", case.applied_on)
    for n, (user, action, data) in enumerate(steps):
        case = case_transition(user=user, case=case, action=action, on_date=days_ago(start - n), **data)
        entered_on(case, action, days_ago(start - n))
    return case


def api(user) -> APIClient:
    """An API client signed in as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def errors_of(call) -> dict:
    """The field errors a service call raises (it must raise)."""
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict
