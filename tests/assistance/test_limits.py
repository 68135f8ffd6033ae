"""Plausible dates, text sizes and amounts in assistance (issue 10 items 11 and 12): refused by the
service with the range in the message, and by the database whatever the door; nothing is cut."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assistance.models import AssetItem, BenefitTier, Case, Decision, Holiday, IncomeItem, Objection, Rescue, Standard
from assistance.models import Transition as Step
from assistance.services.cases import AssetInput, IncomeInput, case_income_set, case_transition
from assistance.services.rescue import rescue_create
from assistance.services.standards import standard_create
from core.limits import REASON_MAX
from tests.assistance.conftest import api, apply, days_ago, errors_of, family, to_notice

LONG = "很" * 100_000
TOO_LONG_REASON = "理" * (REASON_MAX + 1)
OLD, FAR = datetime.date(1800, 1, 1), datetime.date(2999, 1, 1)
TODAY = datetime.date.today()


def refused_by_database(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [OLD, FAR])
def test_a_standards_effective_date_outside_the_window_is_refused_with_the_range(standards, staff, day):
    errors = errors_of(
        lambda: standard_create(user=staff, kind=Standard.Kind.DIBAO, amount=Decimal("900"), effective_from=day)
    )
    assert "1900-01-01" in errors["effective_from"][0] and not Standard.objects.filter(effective_from=day).exists()


def test_a_standard_may_be_entered_for_next_year_but_not_beyond(standards, staff):
    next_year = datetime.date(TODAY.year + 1, 1, 1)
    assert standard_create(user=staff, kind=Standard.Kind.DIBAO, amount=Decimal("1100"), effective_from=next_year)
    errors = errors_of(
        lambda: standard_create(
            user=staff,
            kind=Standard.Kind.DIBAO,
            amount=Decimal("1100"),
            effective_from=datetime.date(TODAY.year + 2, 1, 1),
        )
    )
    assert f"{TODAY.year + 1}-12-31" in errors["effective_from"][0]


def test_an_application_dated_1800_is_refused_with_the_range(standards, assistant):
    errors = errors_of(lambda: apply(assistant, family(2), applied_on=OLD))
    assert "1900-01-01" in errors["applied_on"][0] and not Case.objects.exists()


def test_the_api_refuses_an_application_dated_1800_with_400(standards, assistant):
    household = family(2)
    response = api(assistant).post(
        "/api/v1/assistance/cases/",
        {"applicant_id_number": household.head.id_number, "kind": "dibao", "applied_on": "1800-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "1900-01-01" in response.json()["applied_on"][0]


@pytest.mark.parametrize("day", [OLD, FAR])
def test_a_rescue_intake_outside_the_window_is_refused_with_the_range(staff, day):
    errors = errors_of(lambda: rescue_create(user=staff, intake_date=day, provisional_name="无名氏"))
    assert "1900-01-01" in errors["intake_date"][0] and not Rescue.objects.exists()


@pytest.mark.parametrize(
    "model,field",
    [
        (Case, "applied_on"), (Case, "accepted_on"), (Case, "investigation_due"), (Case, "decision_due"),
        (Case, "investigated_on"), (Case, "reviewed_on"), (Case, "notice_start"), (Case, "notice_end"),
        (Case, "decided_on"), (Case, "exit_until"), (Case, "ended_on"), (Case, "next_recheck"),
        (Decision, "decided_on"), (Decision, "pay_from"), (Step, "on_date"), (Objection, "received_on"),
        (Standard, "effective_from"), (Holiday, "date"), (Rescue, "intake_date"),
        (Rescue, "identity_established_on"), (Rescue, "outcome_date"),
    ],
)  # fmt: skip
def test_the_database_refuses_every_assistance_date_outside_the_window(
    standards, assistant, officer, second_officer, staff, model, field
):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    Objection.objects.create(case=case, received_on=TODAY, content="x", recorded_by=officer)
    Holiday.objects.create(date=datetime.date(2031, 1, 1), name="元旦")
    rescue_create(user=staff, intake_date=days_ago(3), provisional_name="无名氏")
    # both dates are a month's first day: the decision's own "pays from a month's start" rule holds
    one = model.objects.filter(pk=model.objects.order_by("pk").values("pk")[:1])  # no unique date clashes
    refused_by_database(one, **{field: OLD})
    refused_by_database(one, **{field: FAR})


# --- text ----------------------------------------------------------------------------------------


def test_a_hundred_thousand_character_reason_is_refused_not_saved(standards, assistant):
    errors = errors_of(lambda: apply(assistant, family(2), reason=LONG))
    assert "2,000" in errors["reason"][0] and "100,000" in errors["reason"][0]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "action,data",
    [
        ("refuse", {"comment": LONG}),
        ("extend", {"comment": LONG}),
        ("investigate", {"investigators": "黄秀英、陈国华", "verification": "passed", "note": LONG}),
    ],
)
def test_an_overlong_comment_or_note_on_a_step_is_refused(standards, assistant, officer, action, data):
    case = apply(assistant, family(2), accept=True)
    user = assistant if action == "investigate" else officer
    errors = errors_of(lambda: case_transition(user=user, case=case, action=action, **data))
    field = next(iter(set(data) - {"investigators", "verification"}))
    assert "2,000" in errors[field][0]
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.transitions.count() == 2


def test_an_extension_keeps_its_whole_reason(standards, assistant, officer):
    reason = "需补充核对异地不动产登记信息。" * 20  # 300 characters: more than the old 200-character column
    case = apply(assistant, family(2), accept=True)
    case = case_transition(user=officer, case=case, action="extend", comment=reason)
    case.refresh_from_db()
    assert case.extension_reason == reason and case.limit_days == 45


def test_a_suspension_keeps_its_whole_reason(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    reason = "外出务工，待核实收入。" * 30
    case = case_transition(user=officer, case=case, action="suspend", comment=reason)
    case.refresh_from_db()
    assert case.end_reason == reason


def test_overlong_opinion_and_objection_are_refused(standards, assistant, officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    assert (
        "2,000"
        in errors_of(lambda: case_transition(user=officer, case=case, action="object", content=LONG))["content"][0]
    )
    case = apply(assistant, family(2), accept=True)
    case = case_transition(user=assistant, case=case, action="investigate", investigators="黄秀英、陈国华",
                           verification="passed")  # fmt: skip
    assert (
        "2,000"
        in errors_of(lambda: case_transition(user=officer, case=case, action="review", opinion=LONG))["opinion"][0]
    )


def test_an_overlong_list_of_investigators_is_a_field_error_not_a_crash(standards, assistant):
    case = apply(assistant, family(2), accept=True)
    names = "、".join(["黄秀英", "陈国华"] * 60)
    errors = errors_of(
        lambda: case_transition(
            user=assistant, case=case, action="investigate", investigators=names, verification="passed"
        )
    )
    assert "200" in errors["investigators"][0]


def test_income_and_asset_notes_are_refused_when_too_long_never_cut(standards, assistant):
    case = apply(assistant, family(2))
    errors = errors_of(
        lambda: case_income_set(
            user=assistant, case=case,
            income_items=[IncomeInput(kind="wages", monthly_amount=Decimal("500"), note="说" * 201)],
            asset_items=[AssetInput(kind="house", value=Decimal("100000"), description="房" * 201)],
        )
    )  # fmt: skip
    assert "200" in errors["income_items"][0] and "200" in errors["asset_items"][0]


def test_a_rescue_description_over_the_limit_is_refused(staff):
    errors = errors_of(lambda: rescue_create(user=staff, intake_date=days_ago(1), provisional_name="无名氏",
                                             description=LONG))  # fmt: skip
    assert "2,000" in errors["description"][0]


@pytest.mark.parametrize(
    "model,field",
    [(Case, "reason"), (Case, "investigation_note"), (Case, "opinion"), (Case, "extension_reason"),
     (Case, "end_reason"), (Step, "comment"), (Objection, "content"), (Rescue, "description")],
)  # fmt: skip
def test_the_database_refuses_every_overlong_text(standards, assistant, officer, staff, model, field):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    Objection.objects.create(case=case, received_on=TODAY, content="x", recorded_by=officer)
    rescue_create(user=staff, intake_date=days_ago(3), provisional_name="无名氏")
    refused_by_database(model.objects.all(), **{field: TOO_LONG_REASON})


def test_the_refusal_reason_column_has_the_same_limit(standards, assistant, officer):
    case = apply(assistant, family(2), accept=True)
    case_transition(user=officer, case=case, action="refuse", comment="存款超标")
    refused_by_database(Case.objects.filter(state="refused"), refusal_reason=TOO_LONG_REASON)


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,amount",
    [(Standard.Kind.DIBAO, "0.10"), (Standard.Kind.DIBAO, "99999999.99"), (Standard.Kind.TEKUN_CENTRALISED, "50"),
     (Standard.Kind.MINIMUM_WAGE, "20000"), (Standard.Kind.TEMPORARY_MULTIPLE, "30"),
     (Standard.Kind.EDGE_MULTIPLE, "0.5")],
)  # fmt: skip
def test_an_implausible_standard_is_refused_with_the_range(standards, staff, kind, amount):
    errors = errors_of(
        lambda: standard_create(user=staff, kind=kind, amount=Decimal(amount), effective_from=datetime.date(2030, 1, 1))
    )
    assert "之间" in errors["amount"][0]


def test_the_database_refuses_an_implausible_standard_whatever_the_door(standards):
    refused_by_database(Standard.objects.filter(kind=Standard.Kind.DIBAO), amount=Decimal("0.10"))
    refused_by_database(Standard.objects.filter(kind=Standard.Kind.EDGE_MULTIPLE), amount=Decimal("100"))
    assert Standard.objects.filter(kind=Standard.Kind.DIBAO).update(amount=Decimal("1050"))


def test_implausible_tiers_are_refused(standards, staff):
    errors = errors_of(
        lambda: standard_create(
            user=staff, kind=Standard.Kind.DIBAO, amount=Decimal("1000"), effective_from=datetime.date(2030, 1, 1),
            method=Standard.Method.TIERED, tiers=[(Decimal("300"), Decimal("99999999"))],
        )
    )  # fmt: skip
    assert "之间" in errors["tiers"][0]


def test_a_requested_amount_of_99999999_is_refused_with_the_range(standards, assistant):
    errors = errors_of(
        lambda: apply(
            assistant,
            family(2),
            kind=Case.Kind.TEMPORARY,
            subtype="expenditure",
            requested_amount=Decimal("99999999.99"),
        )
    )
    assert "240,000" in errors["requested_amount"][0] and not Case.objects.exists()


def test_a_requested_amount_above_the_cap_in_force_is_kept_and_capped_by_the_decision(standards, assistant):
    case = apply(
        assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="expenditure", requested_amount=Decimal("8000")
    )
    assert case.requested_amount == Decimal("8000.00")


def test_implausible_income_and_assets_are_refused_with_the_range(standards, assistant):
    errors = errors_of(lambda: apply(assistant, family(2), income=("wages", "99999999.99")))
    assert "100,000" in errors["income_items"][0]
    case = apply(assistant, family(2))
    errors = errors_of(
        lambda: case_income_set(
            user=assistant,
            case=case,
            income_items=[],
            asset_items=[AssetInput(kind="house", value=Decimal("9999999999"))],
        )
    )
    assert "100,000,000" in errors["asset_items"][0]


def test_the_database_refuses_implausible_amounts(standards, assistant):
    case = apply(assistant, family(2), kind=Case.Kind.TEMPORARY, subtype="expenditure", requested_amount=Decimal("900"))
    refused_by_database(Case.objects.filter(pk=case.pk), requested_amount=Decimal("99999999.99"))
    refused_by_database(Case.objects.filter(pk=case.pk), requested_amount=Decimal("0"))
    refused_by_database(IncomeItem.objects.all(), monthly_amount=Decimal("99999999.99"))
    AssetItem.objects.create(case=case, kind="house", value=Decimal("100000"))
    refused_by_database(AssetItem.objects.all(), value=Decimal("9999999999"))
    tier = BenefitTier.objects.create(
        standard=Standard.objects.filter(kind=Standard.Kind.DIBAO).first(),
        income_up_to=Decimal("300"),
        amount_per_member=Decimal("600"),
    )
    refused_by_database(BenefitTier.objects.filter(pk=tier.pk), amount_per_member=Decimal("99999999"))


def test_the_api_refuses_a_standard_of_ten_cents_with_400(standards, staff):
    response = api(staff).post(
        "/api/v1/assistance/standards/",
        {"kind": "dibao", "amount": "0.10", "effective_from": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "amount" in response.json()
