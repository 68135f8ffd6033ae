"""Found by review: a double submit (two POSTs at the same moment) answered 500. Each service checked
that no such row existed, then inserted, with nothing between: the second request's check ran
before the first committed, and its insert broke the unique constraint (IntegrityError). Now the
second request waits on the record's parent row (the person, the institution) and is refused by the
check itself, or, with no parent to wait on (a new institution), its broken constraint is turned
into the check's own message. Each race is played on two connections, the first holding its
transaction open until the second is waiting on it, so neither wins by luck of timing."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from eldercare.models import BedCount, HomeAdaptation, Institution, InstitutionListing, Subsidy, VisitTarget
from eldercare.services.adaptations import adaptation_apply
from eldercare.services.institutions import bed_count_record, institution_create, listing_add
from eldercare.services.subsidies import subsidy_enroll
from eldercare.services.visits import visit_target_add
from tests.eldercare.conftest import NEXT, TODAY, credit_code, older

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def twice_at_once(call):
    """call() on two connections: the first keeps its transaction open after the call until the
    second is inside its own call and waiting on a lock (the parent row, or the first one's
    uncommitted unique key), then commits. Returns what each returned or raised."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")
    first_done, second_waits, second_pid, out = threading.Event(), threading.Event(), [], {}

    def first():
        try:
            with transaction.atomic():
                out["first"] = call()
                first_done.set()
                second_waits.wait(timeout=5)
        except Exception as exc:  # reported below: the first one must succeed
            out["first"] = exc
        finally:
            first_done.set()
            connection.close()

    def second():
        try:
            first_done.wait(timeout=10)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            out["second"] = call()
        except Exception as exc:  # the refusal (or, before the fix, the IntegrityError)
            out["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while threads[1].is_alive() and not second_waits.is_set() and time.monotonic() < deadline:
        if second_pid and _waiting_on_a_lock(second_pid[0]):
            second_waits.set()
        time.sleep(0.01)
    for t in threads:
        t.join(timeout=30)
    assert second_waits.is_set(), "the second call never waited on the first: no race was played"
    assert not isinstance(out["first"], Exception), out["first"]
    return out["first"], out["second"]


def refused(result, field: str) -> str:
    assert isinstance(result, ValidationError), f"the second submit was not refused cleanly: {result!r}"
    return result.message_dict[field][0]


def test_a_double_submitted_enrolment_saves_one_entry_and_refuses_the_other(staff, honglai, subsidy_standards):
    person = older(honglai, 85)
    _first, second = twice_at_once(lambda: subsidy_enroll(user=staff, person=person, kind="high_age", starts_on=NEXT))
    assert "已在享受高龄津贴" in refused(second, "kind")
    assert Subsidy.objects.filter(person=person).count() == 1


def test_a_double_submitted_bed_count_saves_one_and_refuses_the_other(staff, make_institution):
    home = make_institution()
    _first, second = twice_at_once(
        lambda: bed_count_record(user=staff, institution=home, as_of=D(2024, 12, 31), total_beds=80, nursing_beds=40)
    )
    assert "已有床位统计" in refused(second, "as_of")
    assert BedCount.objects.filter(institution=home).count() == 1


def test_a_double_submitted_listing_saves_one_and_refuses_the_other(staff, make_institution):
    home = make_institution()
    _first, second = twice_at_once(
        lambda: listing_add(user=staff, institution=home, kind="red", reason="服务质量优良", listed_on=D(2024, 6, 1))
    )
    assert "请先移出" in refused(second, "kind")
    assert InstitutionListing.objects.filter(institution=home).count() == 1


def test_a_double_submitted_visit_group_saves_one_entry_and_refuses_the_other(officer, honglai):
    person = older(honglai, 85)
    _first, second = twice_at_once(lambda: visit_target_add(user=officer, person=person, group="high_age", since=TODAY))
    assert "已是" in refused(second, "group")
    assert VisitTarget.objects.filter(person=person).count() == 1


def test_a_double_submitted_adaptation_application_saves_one_and_refuses_the_other(officer, honglai):
    person = older(honglai, 85)
    _first, second = twice_at_once(lambda: adaptation_apply(user=officer, person=person, applied_on=TODAY))
    assert "办理中" in refused(second, "person")
    assert HomeAdaptation.objects.filter(person=person).count() == 1


def test_a_double_submitted_institution_saves_one_and_refuses_the_other(staff, honglai):
    data = {"name": "洪濑颐养院", "credit_code": credit_code(77), "ownership": "private", "township": honglai,
            "opened_on": D(2015, 1, 1), "status": "operating"}  # fmt: skip
    _first, second = twice_at_once(lambda: institution_create(user=staff, **data))
    assert isinstance(second, ValidationError) and {"name", "credit_code"} & set(second.message_dict)
    assert Institution.objects.filter(name="洪濑颐养院").count() == 1


def test_another_constraints_integrity_error_is_not_turned_into_the_duplicate_message(staff, make_institution):
    """Only the unique constraint the check stands for becomes its message: any other database
    refusal (here more nursing beds than beds, past the service's own check) stays an error."""
    from django.db import IntegrityError

    from eldercare.services._common import saved_once

    home = make_institution(beds=[(D(2024, 12, 31), 80, 40)])

    def counted(found):
        found.add("as_of", "已有床位统计")  # would be found: the day is taken

    with pytest.raises(IntegrityError), saved_once(counted, constraint="bedcount_one_per_day"):
        BedCount.objects.create(institution=home, as_of=D(2025, 1, 1), total_beds=10, nursing_beds=20)
    with pytest.raises(ValidationError), saved_once(counted, constraint="bedcount_one_per_day"):
        BedCount.objects.create(institution=home, as_of=D(2024, 12, 31), total_beds=10, nursing_beds=5)
