"""One death, recorded once at the funeral home, reaches assistance: the next payroll leaves the
person's share out, the case is flagged for re-check, and the waiver sees the dibao on the date."""

from decimal import Decimal

from assistance.models import Transition
from assistance.services.cases import case_transition, next_month_start
from core.models import PaymentLine
from core.payments import payment_batch_build
from funeral.models import FeeItem, Waiver
from funeral.services.records import death_record_register
from funeral.services.waivers import WaiverInput
from tests.assistance.conftest import TODAY, apply, family, to_notice


def test_a_cremation_record_stops_the_next_assistance_payment_for_that_person(
    standards, assistant, officer, make_user, staff, funeral_home
):
    second_officer = make_user("township_officer", officer.township_id)
    case = to_notice(apply(assistant, family(3), income=("wages", "600")), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    member = case.members.exclude(person=case.applicant).first().person
    died = TODAY  # the case was confirmed today: covered on the date of death

    record = death_record_register(
        user=staff, person=member, date_of_death=died, cremation_date=TODAY, funeral_home=funeral_home,
        waiver=WaiverInput(items=[FeeItem.TRANSPORT, FeeItem.CREMATION]),
    )  # fmt: skip

    member.refresh_from_db()
    assert member.date_of_death == died
    assert record.waiver.total > Decimal("0")  # eligible: covered by an active dibao on the date of death
    assert Transition.objects.filter(case=case, action="member_died").count() == 1
    line = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=next_month_start(TODAY),
                                                            user=staff))  # fmt: skip
    assert (line.members, line.amount) == (2, Decimal("1150.00"))


def test_a_ledger_with_two_members_of_one_case_flags_it_for_each_and_the_payroll_leaves_both_out(
    standards, assistant, officer, make_user, staff, funeral_home
):
    from assistance.services.cases import DEATH_RECHECK_MONTHS, add_months
    from core.imports import Row
    from funeral.importers import save_ledger, validate_ledger

    second_officer = make_user("township_officer", officer.township_id)
    case = to_notice(apply(assistant, family(3), income=("wages", "600")), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    dying = [m.person for m in case.members.exclude(person=case.applicant).select_related("person__township")]
    rows = [
        Row(n, {"name": p.name, "id_number": p.id_number, "township": p.township.name, "date_of_death": TODAY.isoformat(),
                "cremation_date": TODAY.isoformat(), "waiver": "是", "waiver_items": "接运、火化"})
        for n, p in enumerate(dying, start=2)
    ]  # fmt: skip

    prepared, errors = validate_ledger(rows, user=staff, progress=lambda n: None)
    assert errors == []
    save_ledger(prepared, user=staff)

    steps = Transition.objects.filter(case=case, action="member_died").order_by("id")
    assert [s.comment for s in steps] == [f"成员 {p.name} 于 {TODAY} 死亡" for p in dying]
    case.refresh_from_db()
    assert case.next_recheck == add_months(TODAY, DEATH_RECHECK_MONTHS)
    assert case.recheck_reason == steps.last().comment
    assert all(w.total > Decimal("0") for w in Waiver.objects.filter(record__person__in=dying))  # dibao that day
    line = PaymentLine.objects.get(batch=payment_batch_build(program="assistance", month=next_month_start(TODAY),
                                                            user=staff))  # fmt: skip
    assert line.members == 1
