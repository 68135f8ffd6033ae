"""One death, recorded once at the funeral home, reaches assistance: the next payroll leaves the
person's share out, the case is flagged for re-check, and the waiver sees the dibao on the date."""

from decimal import Decimal

from assistance.models import Transition
from assistance.services.cases import case_transition, next_month_start
from core.models import PaymentLine
from core.payments import payment_batch_build
from funeral.models import FeeItem
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
