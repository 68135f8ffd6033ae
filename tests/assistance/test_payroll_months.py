"""Payable months are bounded (issue 10, item 2): from the programme's first month to next month
(next month's draft may be prepared), at every door; a month past next month is never approved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from assistance.services.cases import add_months, next_month_start
from assistance.services.payroll import payroll_request
from core.exceptions import ApplicationError
from core.models import PaymentBatch, PaymentLine
from core.payments import PROGRAMS, payment_batch_approve, payment_batch_build
from tests.assistance.conftest import TODAY
from tests.factories import PersonFactory

NEXT = next_month_start(TODAY)
AFTER_NEXT = add_months(NEXT, 1)
FIRST = datetime.date(2020, 1, 1)
RANGE = f"{FIRST:%Y-%m} 至 {NEXT:%Y-%m}"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def month_errors(call) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict["month"]


def test_the_assistance_programme_starts_with_the_plan_data_it_holds():
    # The plan's 2020 baseline standards and the first cases (2020-01-02) are in the system.
    assert PROGRAMS["assistance"].first_month == FIRST


@pytest.mark.parametrize(
    "month",
    [datetime.date(1800, 1, 1), datetime.date(2019, 12, 1), AFTER_NEXT, datetime.date(2999, 12, 1)],
    ids=["1800-01", "before-the-programme", "after-next-month", "2999-12"],
)
def test_building_a_month_outside_the_payable_range_is_refused_naming_the_range(db, staff, month):
    errors = month_errors(lambda: payment_batch_build(program="assistance", month=month, user=staff))
    assert any(RANGE in e for e in errors), errors
    assert not PaymentBatch.objects.exists()


def test_the_first_month_and_next_month_can_be_built(db, staff):
    assert payment_batch_build(program="assistance", month=FIRST, user=staff).month == FIRST
    assert payment_batch_build(program="assistance", month=NEXT, user=staff).month == NEXT


def test_every_door_refuses_an_unpayable_month_alike(db, staff, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert any(RANGE in e for e in month_errors(lambda: payroll_request(month="2999-12", user=staff)))
        response = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": "1800-01"}, format="json")
        page = client_for(staff).post("/assistance/payroll/", {"month": "2999-12"})
    assert response.status_code == 400 and any(RANGE in e for e in response.json()["month"])
    assert page.status_code == 200 and RANGE in page.content.decode()
    assert callbacks == [] and not PaymentBatch.objects.exists()


def _draft_with_a_line(month, staff) -> PaymentBatch:
    """A draft as one made before months were bounded could have left."""
    batch = PaymentBatch.objects.create(program="assistance", month=month, built_by=staff, built_at=timezone.now(),
                                        line_count=1, people_count=1, total_amount=Decimal("775.00"))  # fmt: skip
    payee = PersonFactory()
    PaymentLine.objects.create(batch=batch, source_type="assistance.case", source_id=1, payee=payee,
                               township=payee.township, category="dibao", members=1, amount=Decimal("775.00"))  # fmt: skip
    return batch


def test_approving_a_month_after_next_month_is_refused_with_the_reason(db, staff, make_user):
    batch = _draft_with_a_line(AFTER_NEXT, staff)
    checker = make_user("staff")
    with pytest.raises(ApplicationError) as err:
        payment_batch_approve(batch=batch, user=checker)
    assert err.value.code == "month_not_payable" and RANGE in err.value.message
    response = api(checker).post(f"/api/v1/assistance/payroll-batches/{batch.pk}/approve/")
    assert response.status_code == 400 and response.json()["code"] == "month_not_payable"
    batch.refresh_from_db()
    assert batch.state == PaymentBatch.State.DRAFT


def test_next_months_draft_may_be_approved(db, staff, make_user):
    batch = _draft_with_a_line(NEXT, staff)
    assert payment_batch_approve(batch=batch, user=make_user("staff")).state == PaymentBatch.State.APPROVED
