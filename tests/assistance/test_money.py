import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assistance.models import Case, Holiday, Standard
from assistance.services.cases import IncomeInput, case_calculate, case_income_set, case_transition
from assistance.services.standards import standard_create
from assistance.workdays import add_working_days, working_days_between
from core.exceptions import ApplicationError
from tests.assistance.conftest import apply, family, to_notice


@pytest.mark.parametrize(
    "members,income,per_member,amount",
    [
        (3, "600", "575.00", "1725.00"),  # (775 − 200) × 3
        (1, "0", "775.00", "775.00"),
        (4, "1001", "525.00", "2100.00"),  # 1001/4 = 250.25 → 524.75, rounded to the yuan
    ],
)
def test_dibao_benefit_is_the_difference_times_covered_members(
    standards, assistant, members, income, per_member, amount
):
    calc = case_calculate(apply(assistant, family(members), income=("wages", income)))
    assert calc.eligible and calc.per_member_amount == Decimal(per_member) and calc.amount == Decimal(amount)
    assert isinstance(calc.amount, Decimal)


def test_income_that_does_not_count_is_left_out(standards, assistant):
    case = apply(assistant, family(2), income=("basic_pension", "800"))
    calc = case_calculate(case)
    assert calc.counted_income == 0 and calc.amount == Decimal("1550.00")
    assert any("不计入" in step for step in calc.steps)


def test_income_above_the_standard_gives_no_dibao_but_edge_family_status(standards, assistant):
    # per capita 1000: above 775, below 1.5 × 775 = 1162.50
    calc = case_calculate(apply(assistant, family(2), income=("wages", "2000")))
    assert not calc.eligible and calc.edge_eligible and calc.amount == 0
    edge = case_calculate(apply(assistant, family(2), kind=Case.Kind.EDGE, income=("wages", "2000")))
    assert edge.eligible and edge.amount == 0
    # per capita 1200: above the edge line too
    assert not case_calculate(apply(assistant, family(2), income=("wages", "2400"))).edge_eligible


def test_a_case_above_the_line_cannot_be_confirmed(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2), income=("wages", "2000")), investigator=assistant, reviewer=officer)
    with pytest.raises(ApplicationError) as err:
        case_transition(user=second_officer, case=case, action="confirm")
    assert err.value.code == "not_eligible" and "边缘" in err.value.message


def test_tiered_dibao_uses_the_lowest_matching_tier(standards, assistant, staff):
    standard_create(user=staff, kind=Standard.Kind.DIBAO, amount="800", effective_from=datetime.date(2024, 1, 1),
                    method=Standard.Method.TIERED, tiers=[(Decimal("300"), Decimal("600")), (Decimal("800"), Decimal("300"))])  # fmt: skip
    assert case_calculate(apply(assistant, family(2), income=("wages", "400"))).amount == Decimal("1200.00")
    assert case_calculate(apply(assistant, family(2), income=("wages", "1000"))).amount == Decimal("600.00")


def test_tekun_is_paid_at_the_standard_for_its_support_and_care_tier(standards, assistant):
    centralised = apply(assistant, family(1), kind=Case.Kind.TEKUN, subtype="centralised", income=None)
    able = apply(assistant, family(1), kind=Case.Kind.TEKUN, subtype="dispersed", self_care_unable_items=0, income=None)
    cared = apply(
        assistant, family(1), kind=Case.Kind.TEKUN, subtype="dispersed", self_care_unable_items=4, income=None
    )
    assert case_calculate(centralised).amount == Decimal("940")
    assert case_calculate(able).amount == Decimal("780") and cared.self_care == "fully"
    assert case_calculate(cared).amount == Decimal("826")


def test_the_standard_in_force_on_the_date_is_used(standards, assistant, staff):
    standard_create(user=staff, kind=Standard.Kind.DIBAO, amount="920", effective_from=datetime.date(2025, 1, 1))
    case = apply(assistant, family(1), income=None)
    assert case_calculate(case, datetime.date(2024, 12, 31)).amount == Decimal("775")
    assert case_calculate(case, datetime.date(2025, 1, 1)).amount == Decimal("920")


def test_standards_are_never_overwritten(standards, staff):
    with pytest.raises(ValidationError, match="不能覆盖"):
        standard_create(user=staff, kind=Standard.Kind.DIBAO, amount="800", effective_from=datetime.date(2020, 1, 1))


def test_a_later_household_edit_never_changes_the_decision(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2), income=("wages", "500")), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    frozen = case.decision.amount
    case_income_set(user=officer, case=case, income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("1400"))])
    case.refresh_from_db()
    assert case.decision.amount == frozen == Decimal("1050.00")
    assert case_calculate(case).amount == Decimal("150.00")  # what a re-check would decide
    case = case_transition(user=second_officer, case=case, action="recheck")
    assert case.decision.amount == Decimal("150.00") and case.decisions.count() == 2


def test_working_days_skip_weekends_and_configured_holidays():
    friday = datetime.date(2025, 9, 26)
    assert add_working_days(friday, 1, {}) == datetime.date(2025, 9, 29)  # Monday
    assert add_working_days(friday, 3, {}) == datetime.date(2025, 10, 1)
    # National Day week off, Sunday 28 Sep and Saturday 11 Oct are make-up working days.
    exceptions = {datetime.date(2025, 10, d): False for d in range(1, 9)}
    exceptions |= {datetime.date(2025, 9, 28): True, datetime.date(2025, 10, 11): True}
    assert add_working_days(friday, 1, exceptions) == datetime.date(2025, 9, 28)
    assert add_working_days(friday, 3, exceptions) == datetime.date(2025, 9, 30)
    assert add_working_days(friday, 4, exceptions) == datetime.date(2025, 10, 9)
    assert working_days_between(friday, datetime.date(2025, 10, 11), exceptions) == 6


def test_acceptance_sets_the_deadlines_from_the_holiday_table(standards, assistant, officer):
    Holiday.objects.create(date=datetime.date(2025, 10, 1), name="国庆节")
    case = apply(assistant, family(2), applied_on=datetime.date(2025, 9, 26))
    case = case_transition(user=assistant, case=case, action="accept", on_date=datetime.date(2025, 9, 26))
    assert case.investigation_due == datetime.date(2025, 10, 2)  # Mon, Tue, (Wed holiday), Thu
    assert case.decision_due == add_working_days(datetime.date(2025, 9, 26), 20, {datetime.date(2025, 10, 1): False})
    case = case_transition(user=officer, case=case, action="extend", comment="需要补充核对异地存款",
                           on_date=datetime.date(2025, 10, 9))  # fmt: skip
    assert case.limit_days == 45 and case.extension_reason
    with pytest.raises(ApplicationError):
        case_transition(user=officer, case=case, action="extend", comment="再次", on_date=datetime.date(2025, 10, 9))
