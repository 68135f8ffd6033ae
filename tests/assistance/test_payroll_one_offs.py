"""A one-off entitlement (temporary assistance) is paid by exactly one batch of any month: the
database refuses a second line for it (payment_line_one_off_once), builds of one programme claim
under a lock, and a draft never holds a one-off that a nearer month should pay (issue 10, item 1)."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from assistance.models import Case
from assistance.services.cases import case_transition, next_month_start
from core.exceptions import ApplicationError
from core.models import PaymentBatch, PaymentLine
from core.payments import payment_batch_approve, payment_batch_build
from tests.assistance.conftest import TODAY, apply, family

THIS = TODAY.replace(day=1)
NEXT = next_month_start(TODAY)
SOURCE = "assistance.case"


def temporary_case(assistant, officer, amount="500") -> Case:
    case = apply(assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="emergency", requested_amount=amount,
                 accept=True, accepted_on=TODAY - datetime.timedelta(days=2))  # fmt: skip
    return case_transition(user=officer, case=case, action="emergency_confirm", comment="房屋失火")


def lines_of(case) -> list[PaymentLine]:
    return list(PaymentLine.objects.filter(source_type=SOURCE, source_id=case.pk).select_related("batch"))


def assert_totals_match_lines(batch: PaymentBatch) -> None:
    batch.refresh_from_db()
    lines = list(batch.lines.all())
    assert batch.line_count == len(lines)
    assert batch.people_count == sum(line.members for line in lines)
    assert batch.total_amount == sum((line.amount for line in lines), Decimal("0"))


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["this month", "next month"])
def test_two_months_built_at_the_same_time_pay_each_one_off_case_once(
    standards, assistant, officer, staff, make_user, first
):
    """Two builds on their own connections: the first keeps its transaction open until the second
    is inside its build and waiting, so neither can see the other's claims by luck of timing."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")
    cases = [temporary_case(assistant, officer) for _ in range(3)]
    months = (THIS, NEXT) if first == "this month" else (NEXT, THIS)
    first_built, second_waits, second_pid, errors, built = threading.Event(), threading.Event(), [], [], {}

    def build_first():
        try:
            with transaction.atomic():
                built[months[0]] = payment_batch_build(program="assistance", month=months[0], user=staff)
                first_built.set()
                second_waits.wait(timeout=5)  # commit only once the second build waits on us
        except Exception as exc:  # reported below: a failed build is a failed test
            errors.append(exc)
        finally:
            first_built.set()
            connection.close()

    def build_second():
        try:
            first_built.wait(timeout=10)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            built[months[1]] = payment_batch_build(program="assistance", month=months[1], user=staff)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=build_first), threading.Thread(target=build_second)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while threads[1].is_alive() and not second_waits.is_set() and time.monotonic() < deadline:
        if second_pid and _waiting_on_a_lock(second_pid[0]):
            second_waits.set()
        time.sleep(0.01)
    for t in threads:
        t.join(timeout=30)
    assert errors == [] and set(built) == {THIS, NEXT}
    assert second_waits.is_set()  # the second build ran while the first was open, and waited for it
    for case in cases:
        (line,) = lines_of(case)
        assert line.one_off and line.amount == Decimal("500.00")
        assert line.batch.month == THIS  # the nearer month pays, whichever build ran first
    for batch in built.values():
        assert_totals_match_lines(batch)
    # Next month's draft holds none of them: approving pays ¥500 a case, not ¥1,000.
    assert built[NEXT].line_count == 0
    payment_batch_approve(batch=built[THIS], user=make_user("staff"))
    paid = PaymentLine.objects.filter(source_type=SOURCE, source_id__in=[c.pk for c in cases], batch__state="approved")
    assert sum(line.amount for line in paid) == Decimal("1500.00")


def test_a_draft_for_a_mistyped_far_month_gives_up_its_one_offs_to_the_nearer_month(
    standards, assistant, officer, staff
):
    case = temporary_case(assistant, officer)
    # A 2999-12 draft made before months were bounded, holding the case.
    far = PaymentBatch.objects.create(program="assistance", month=datetime.date(2999, 12, 1), built_by=staff,
                                      built_at=timezone.now(), line_count=1, people_count=2,
                                      total_amount=Decimal("500.00"))  # fmt: skip
    PaymentLine.objects.create(batch=far, source_type=SOURCE, source_id=case.pk, payee=case.applicant,
                               township=case.township, village=case.village, category=case.kind, members=2,
                               amount=Decimal("500.00"), one_off=True)  # fmt: skip
    batch = payment_batch_build(program="assistance", month=NEXT, user=staff)
    (line,) = lines_of(case)
    assert line.batch_id == batch.pk and batch.total_amount == Decimal("500.00")
    far.refresh_from_db()
    assert (far.line_count, far.people_count, far.total_amount) == (0, 0, Decimal("0.00"))


def test_a_one_off_in_an_earlier_draft_or_an_approved_batch_is_never_claimed_again(
    standards, assistant, officer, staff, make_user
):
    case = temporary_case(assistant, officer)
    earlier = payment_batch_build(program="assistance", month=THIS, user=staff)
    later = payment_batch_build(program="assistance", month=NEXT, user=staff)
    assert later.line_count == 0 and [line.batch_id for line in lines_of(case)] == [earlier.pk]
    # Rebuilding the draft that holds it keeps it there.
    earlier = payment_batch_build(program="assistance", month=THIS, user=staff)
    assert earlier.line_count == 1 and [line.batch_id for line in lines_of(case)] == [earlier.pk]
    payment_batch_approve(batch=earlier, user=make_user("staff"))
    case.refresh_from_db()
    assert case.state == Case.State.ENDED
    assert payment_batch_build(program="assistance", month=NEXT, user=staff).line_count == 0


def test_the_database_refuses_a_second_line_for_a_one_off_whatever_the_code_does(standards, assistant, officer, staff):
    case = temporary_case(assistant, officer)
    paid = payment_batch_build(program="assistance", month=THIS, user=staff)
    other = PaymentBatch.objects.create(program="assistance", month=NEXT)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(batch=other, source_type=SOURCE, source_id=case.pk, payee=case.applicant,
                                   township=case.township, category=case.kind, members=2,
                                   amount=Decimal("500.00"), one_off=True)  # fmt: skip
    assert [line.batch_id for line in lines_of(case)] == [paid.pk]


def test_a_far_month_draft_cannot_be_approved(standards, assistant, officer, staff):
    case = temporary_case(assistant, officer)
    far = PaymentBatch.objects.create(program="assistance", month=datetime.date(2999, 12, 1), built_by=staff,
                                      built_at=timezone.now(), line_count=1, people_count=2,
                                      total_amount=Decimal("500.00"))  # fmt: skip
    PaymentLine.objects.create(batch=far, source_type=SOURCE, source_id=case.pk, payee=case.applicant,
                               township=case.township, category=case.kind, members=2, amount=Decimal("500.00"),
                               one_off=True)  # fmt: skip
    with pytest.raises((ApplicationError, ValidationError)) as err:
        payment_batch_approve(batch=far, user=officer)
    assert f"{NEXT:%Y-%m}" in str(getattr(err.value, "message", err.value))
    far.refresh_from_db()
    assert far.state == PaymentBatch.State.DRAFT


def test_a_one_off_held_by_a_draft_of_an_unpayable_past_month_is_paid_by_a_real_month(
    standards, assistant, officer, staff
):
    """A leftover 1800-01 draft (made before months were bounded) can be neither rebuilt nor
    approved: it does not keep the case from the month that can pay it."""
    case = temporary_case(assistant, officer)
    stale = PaymentBatch.objects.create(program="assistance", month=datetime.date(1800, 1, 1), built_by=staff,
                                        built_at=timezone.now(), line_count=1, people_count=2,
                                        total_amount=Decimal("500.00"))  # fmt: skip
    PaymentLine.objects.create(batch=stale, source_type=SOURCE, source_id=case.pk, payee=case.applicant,
                               township=case.township, village=case.village, category=case.kind, members=2,
                               amount=Decimal("500.00"), one_off=True)  # fmt: skip
    batch = payment_batch_build(program="assistance", month=THIS, user=staff)
    (line,) = lines_of(case)
    assert line.batch_id == batch.pk
    assert_totals_match_lines(stale)
