"""Payroll pages show each viewer the figures of their jurisdiction (issue 16 item 8): a township
officer's header and batch list add up their township's lines, not the city's."""

from decimal import Decimal

from assistance.services.cases import case_transition, next_month_start
from core.models import Division
from core.payments import payment_batch_build
from core.roles import Role
from tests.assistance.conftest import TODAY, apply, family, to_notice
from tests.factories import HONGLAI, SHUITOU

NEXT = next_month_start(TODAY)


def _paid_case(township, make_user):
    assistant = make_user(Role.VILLAGE_ASSISTANT, township)
    officer, confirmer = make_user(Role.TOWNSHIP_OFFICER, township), make_user(Role.TOWNSHIP_OFFICER, township)
    household = family(3, township=Division.objects.get(code=township))
    case = to_notice(apply(assistant, household), investigator=assistant, reviewer=officer)
    return case_transition(user=confirmer, case=case, action="confirm")


def test_a_township_officer_sees_their_townships_figures_on_the_payroll_pages(standards, make_user, staff, client_for):
    _paid_case(HONGLAI, make_user)
    _paid_case(SHUITOU, make_user)
    batch = payment_batch_build(program="assistance", month=NEXT, user=staff)
    assert batch.line_count == 2 and batch.total_amount == Decimal("3450.00")
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)

    detail = client_for(officer).get(f"/assistance/payroll/{batch.pk}/")
    assert detail.context["header"] == {"lines": 1, "people": 3, "amount": Decimal("1725.00")}
    listing = client_for(officer).get("/assistance/payroll/")
    (row,) = [b for b in listing.context["batches"] if b.pk == batch.pk]
    assert (row.shown_lines, row.shown_people, row.shown_amount) == (1, 3, Decimal("1725.00"))
    # The bureau sees the city's.
    city = client_for(staff).get(f"/assistance/payroll/{batch.pk}/")
    assert city.context["header"]["amount"] == Decimal("3450.00")
