"""养老服务补贴: eligibility (age bands from the birth date, the latest assessment's level, the
low-income categories asked of core.categories), the roster, and the monthly list built, frozen and
approved by the shared payment engine (a death stops the next payment; a month is never approved
twice nor by its builder)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import ApplicationError
from core.models import PaymentLine
from core.payments import next_month, payment_batch_approve, payment_batch_build
from core.services.people import person_record_death
from eldercare.models import Assessment, Subsidy, SubsidyStandard
from eldercare.services.subsidies import (
    PROGRAM,
    Facts,
    facts_for,
    person_outlook,
    standard_add,
    standards_in_force,
    subsidy_amount,
    subsidy_end,
    subsidy_enroll,
    subsidy_suspend,
)  # fmt: skip
from tests.eldercare.conftest import EARLY, NEXT, THIS_MONTH, TODAY, assess, born, older
from tests.factories import make_id_number

D = datetime.date


# --- eligibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "amount"), [(79, None), (80, Decimal("100")), (89, Decimal("100")), (90, Decimal("200")),
                        (99, Decimal("200")), (100, Decimal("500")), (104, Decimal("500"))],
)  # fmt: skip
def test_the_high_age_allowance_pays_the_highest_band_reached(subsidy_standards, age, amount):
    day = D(2025, 3, 1)
    outcome = subsidy_amount("high_age", Facts(born(age, on=day)), day, subsidy_standards)
    assert outcome.amount == amount
    if amount is None:
        assert "年满 80 周岁" in outcome.reason and "79" in outcome.reason


def test_the_age_band_is_reached_on_the_birthday_not_the_day_before(subsidy_standards):
    birth = D(1945, 3, 2)
    assert subsidy_amount("high_age", Facts(birth), D(2025, 3, 1), subsidy_standards).amount is None
    assert subsidy_amount("high_age", Facts(birth), D(2025, 3, 2), subsidy_standards).amount == Decimal("100")


def test_the_age_comes_from_the_id_number_when_no_birth_date_is_recorded(honglai, subsidy_standards):
    person = older(honglai, 85)
    person.__class__.objects.filter(pk=person.pk).update(birth_date=None)
    facts = facts_for([person.pk], NEXT)[person.pk]
    assert facts.birth == born(85)
    assert subsidy_amount("high_age", facts, NEXT, subsidy_standards).amount == Decimal("100")


def test_a_new_standard_applies_from_its_effective_date_and_the_old_one_before(staff, subsidy_standards):
    standard_add(user=staff, kind="high_age", threshold=80, amount="120", effective_from=D(2025, 7, 1))
    birth = D(1940, 1, 1)
    assert subsidy_amount("high_age", Facts(birth), D(2025, 6, 1), standards_in_force(D(2025, 6, 1))).amount == 100
    assert subsidy_amount("high_age", Facts(birth), D(2025, 7, 1), standards_in_force(D(2025, 7, 1))).amount == 120


def test_no_kind_pays_anyone_under_60(subsidy_standards):
    facts = Facts(D(1970, 1, 1), level=4, categories={"dibao"})
    for kind in ("high_age", "care", "service"):
        outcome = subsidy_amount(kind, facts, D(2025, 3, 1), subsidy_standards)
        assert outcome.amount is None and "未满 60 周岁" in outcome.reason


def test_the_care_subsidy_follows_the_level_of_the_latest_assessment_on_or_before_the_day(
    staff, honglai, subsidy_standards
):
    person = older(honglai, 75)
    day = TODAY
    assert (
        "没有能力评估" in subsidy_amount("care", facts_for([person.pk], day)[person.pk], day, subsidy_standards).reason
    )
    assess(staff, person, self_care=32, on=TODAY - datetime.timedelta(days=400))  # 90: intact
    outcome = subsidy_amount("care", facts_for([person.pk], day)[person.pk], day, subsidy_standards)
    assert outcome.amount is None and "能力完好" in outcome.reason
    assess(staff, person, self_care=0, on=TODAY - datetime.timedelta(days=10))  # 58: moderate (2)
    assess(staff, person, self_care=0, dementia_or_mental_disorder=True)  # one level up: severe (3)
    outcome = subsidy_amount("care", facts_for([person.pk], day)[person.pk], day, subsidy_standards)
    assert (outcome.amount, outcome.basis["level"]) == (Decimal("300"), 3)
    earlier = TODAY - datetime.timedelta(days=5)
    assert facts_for([person.pk], earlier)[person.pk].level == 2  # the history decides a past month


def test_a_level_without_a_standard_pays_nothing_and_says_which(honglai, staff):
    standard_add(user=staff, kind="care", threshold=4, amount="400", effective_from=EARLY)
    outcome = subsidy_amount("care", Facts(D(1940, 1, 1), level=2), D(2025, 3, 1), standards_in_force(TODAY))
    assert outcome.amount is None and "中度失能" in outcome.reason


@pytest.fixture
def dibao_elder(standards, assistant, officer, make_user, honglai):
    """An older person covered by an active dibao case (assistance's category "dibao")."""
    from assistance.services.cases import case_transition
    from tests.assistance.conftest import apply, family, to_notice

    household = family(1, name="王阿公", id_number=make_id_number(born(70)))
    case = to_notice(apply(assistant, household, income=("wages", "100")), investigator=assistant, reviewer=officer)
    case_transition(user=make_user("township_officer", officer.township_id), case=case, action="confirm")
    return household.head


def test_the_service_subsidy_is_for_older_people_in_a_low_income_category(dibao_elder, honglai, subsidy_standards):
    other = older(honglai, 70, "李阿婆")
    facts = facts_for([dibao_elder.pk, other.pk], TODAY)
    assert facts[dibao_elder.pk].categories == {"dibao"}
    paid = subsidy_amount("service", facts[dibao_elder.pk], TODAY, subsidy_standards)
    assert (paid.amount, paid.basis["categories"]) == (Decimal("150"), ["dibao"])
    refused = subsidy_amount("service", facts[other.pk], TODAY, subsidy_standards)
    assert refused.amount is None and "低保对象" in refused.reason


# --- standards and the roster ----------------------------------------------------------------------


def test_a_standard_outside_its_kinds_bands_or_amounts_is_refused_naming_the_field(staff):
    for data, field in [
        ({"kind": "care", "threshold": 5, "amount": "100"}, "threshold"),
        ({"kind": "high_age", "threshold": 59, "amount": "100"}, "threshold"),
        ({"kind": "service", "threshold": None, "amount": "0"}, "amount"),
        ({"kind": "service", "threshold": None, "amount": "5000.01"}, "amount"),
        ({"kind": "pension", "threshold": 0, "amount": "100"}, "kind"),
    ]:
        with pytest.raises(ValidationError) as err:
            standard_add(user=staff, effective_from=EARLY, **data)
        assert field in err.value.message_dict, data
    assert SubsidyStandard.objects.count() == 0


def test_a_township_officer_cannot_set_standards(officer):
    with pytest.raises(ValidationError) as err:
        standard_add(user=officer, kind="service", threshold=0, amount="100", effective_from=EARLY)
    assert "kind" in err.value.message_dict


def test_enrolment_checks_eligibility_and_refuses_a_second_open_entry(staff, honglai, subsidy_standards):
    young = older(honglai, 78, "年轻人")
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=young, kind="high_age", starts_on=NEXT)
    assert "年满 80 周岁" in err.value.message_dict["kind"][0]
    person = older(honglai, 86)
    subsidy = subsidy_enroll(user=staff, person=person, kind="high_age", starts_on=NEXT.replace(day=15),
                             bank_account="6217 0000 0000 0001")  # fmt: skip
    assert (subsidy.starts_on, subsidy.bank_account, subsidy.status) == (NEXT, "6217000000000001", "active")
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=person, kind="high_age", starts_on=NEXT)
    assert "已在享受" in err.value.message_dict["kind"][0]


def test_enrolment_refuses_a_month_past_next_month_and_a_bad_account(staff, honglai, subsidy_standards):
    person = older(honglai, 86)
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=staff, person=person, kind="high_age", starts_on=next_month(NEXT), bank_account="12ab")
    assert set(err.value.message_dict) == {"starts_on", "bank_account"}
    assert not Subsidy.objects.exists()


def test_a_township_officer_enrols_only_their_townships_people(officer, shuitou, subsidy_standards):
    with pytest.raises(ValidationError) as err:
        subsidy_enroll(user=officer, person=older(shuitou, 90), kind="high_age", starts_on=NEXT)
    assert "person" in err.value.message_dict


def test_the_person_outlook_names_the_amount_each_kind_brings(staff, honglai, subsidy_standards):
    person = older(honglai, 92, on=TODAY)
    assess(staff, person, self_care=0)  # 58: moderate
    outlook = {o["kind"]: o for o in person_outlook(person)}
    assert outlook["high_age"]["outcome"].amount == Decimal("200")
    assert outlook["care"]["outcome"].amount == Decimal("200")
    assert outlook["service"]["outcome"].amount is None


# --- the monthly list ------------------------------------------------------------------------------


@pytest.fixture
def roster(staff, honglai, shuitou, subsidy_standards):
    """Three entries from this month: 陈阿婆 (85, 高龄), 林阿公 (91, 水头, 高龄), 黄阿婆 (75, 护理, severe)."""
    chen = older(honglai, 85, "陈阿婆", on=THIS_MONTH)
    lin = older(shuitou, 91, "林阿公", on=THIS_MONTH)
    huang = older(honglai, 75, "黄阿婆", on=THIS_MONTH)
    assess(staff, huang, self_care=0, on=THIS_MONTH, coma=True)  # coma: complete loss (4)
    entries = {
        "chen": subsidy_enroll(user=staff, person=chen, kind="high_age", starts_on=THIS_MONTH, bank_account="6217001"),
        "lin": subsidy_enroll(user=staff, person=lin, kind="high_age", starts_on=THIS_MONTH),
        "huang": subsidy_enroll(user=staff, person=huang, kind="care", starts_on=THIS_MONTH),
    }
    return entries


def _lines(batch):
    return {line.source_id: line for line in PaymentLine.objects.filter(batch=batch)}


def test_the_month_list_pays_each_entry_its_standard_traceably(roster, staff):
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    lines = _lines(batch)
    assert {sid: line.amount for sid, line in lines.items()} == {
        roster["chen"].pk: Decimal("100"), roster["lin"].pk: Decimal("200"), roster["huang"].pk: Decimal("400"),
    }  # fmt: skip
    chen = lines[roster["chen"].pk]
    assert (chen.source_type, chen.category, chen.members, chen.bank_account) == ("eldercare.subsidy", "high_age", 1,
                                                                                  "6217001")  # fmt: skip
    assert chen.basis["band"] == 80 and chen.basis["amount"] == "100.00"
    assert lines[roster["huang"].pk].basis["level"] == 4
    assert (batch.line_count, batch.total_amount) == (3, Decimal("700"))


def test_the_lines_are_what_subsidy_amount_gives_each_person_one_by_one(roster, staff, honglai):
    """The month's list computes an outcome once per outcome_key: it must equal the rule applied to
    every entry on its own (people of the same age and of different ages, levels, an ineligible one)."""
    from eldercare.services.subsidies import entitlements, facts_for, standards_in_force, subsidy_amount

    twin = older(honglai, 85, "陈阿公", on=THIS_MONTH)  # the same age (and band) as 陈阿婆
    young = older(honglai, 82, "王阿婆", on=THIS_MONTH)
    mild = older(honglai, 70, "李阿公", on=THIS_MONTH)
    assess(staff, mild, self_care=10, on=THIS_MONTH)
    for person, kind in ((twin, "high_age"), (young, "high_age"), (mild, "care")):
        subsidy_enroll(user=staff, person=person, kind=kind, starts_on=THIS_MONTH)
    Assessment.objects.filter(person=mild).update(level=0)  # reassessed intact since: not paid
    standards = standards_in_force(NEXT)
    expected = {}
    for entry in Subsidy.objects.select_related("person"):
        facts = facts_for([entry.person_id], NEXT)[entry.person_id]
        outcome = subsidy_amount(entry.kind, facts, NEXT, standards)
        if outcome.eligible:
            expected[entry.pk] = (
                outcome.amount,
                {
                    "standard": outcome.standard.pk,
                    "amount": str(outcome.amount),
                    "effective_from": outcome.standard.effective_from,
                    **outcome.basis,
                },
            )
    got = {e.source_id: (e.amount, e.basis) for e in entitlements(NEXT)}
    assert got == expected and len(got) == 5
    assert got[roster["chen"].pk][1]["age"] == 85 and got[Subsidy.objects.get(person=young).pk][1]["age"] == 82


def test_a_death_ends_the_entry_and_stops_the_next_payment(roster, staff):
    chen = roster["chen"].person
    person_record_death(user=staff, person=chen, date_of_death=TODAY, source="test")
    entry = Subsidy.objects.get(pk=roster["chen"].pk)
    assert (entry.status, entry.ended_on) == ("ended", TODAY) and entry.end_reason.startswith("死亡")
    this_month = _lines(payment_batch_build(program=PROGRAM, month=THIS_MONTH, user=staff))
    assert roster["chen"].pk in this_month  # the month of death is the last paid
    next_lines = _lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))
    assert roster["chen"].pk not in next_lines and set(next_lines) == {roster["lin"].pk, roster["huang"].pk}


def test_a_death_recorded_without_the_event_still_leaves_the_person_out(roster, staff):
    person = roster["lin"].person
    person.__class__.objects.filter(pk=person.pk).update(date_of_death=THIS_MONTH)
    assert roster["lin"].pk not in _lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))


def test_ended_and_suspended_entries_are_not_paid_and_a_resumed_one_is(roster, staff):
    subsidy_end(user=staff, subsidy=roster["chen"], ended_on=THIS_MONTH, reason="本人申请")
    subsidy_suspend(user=staff, subsidy=roster["lin"], suspend=True)
    assert set(_lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))) == {roster["huang"].pk}
    subsidy_suspend(user=staff, subsidy=roster["lin"], suspend=False)
    assert roster["lin"].pk in _lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))


def test_an_entry_whose_person_is_no_longer_eligible_is_left_out(roster, staff):
    assess(staff, roster["huang"].person, self_care=32)  # 90 today: intact, the care subsidy stops
    assert roster["huang"].pk not in _lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))


def test_approving_twice_is_refused_and_the_builder_cannot_approve(roster, staff, make_user):
    batch = payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    with pytest.raises(ApplicationError) as err:
        payment_batch_approve(batch=batch, user=staff)
    assert err.value.code == "maker_checker"
    checker = make_user("staff", username="checker")
    payment_batch_approve(batch=batch, user=checker)
    with pytest.raises(ApplicationError) as err:
        payment_batch_approve(batch=batch, user=checker)
    assert err.value.code == "batch_frozen"
    with pytest.raises(ApplicationError) as err:
        payment_batch_build(program=PROGRAM, month=NEXT, user=staff)
    assert err.value.code == "batch_frozen" and PaymentLine.objects.filter(batch=batch).count() == 3


def test_deaths_recorded_together_end_each_entry_on_its_own_date_and_leave_the_others(roster, staff):
    from core.services.people import people_record_death

    chen, lin = roster["chen"].person, roster["lin"].person
    people_record_death(user=staff, deaths=[(chen, TODAY), (lin, THIS_MONTH)], source="test")
    ended = {s.pk: (s.status, s.ended_on) for s in Subsidy.objects.filter(pk__in=[roster["chen"].pk, roster["lin"].pk])}
    assert ended == {roster["chen"].pk: ("ended", TODAY), roster["lin"].pk: ("ended", THIS_MONTH)}
    assert Subsidy.objects.get(pk=roster["huang"].pk).status == "active"
    assert set(_lines(payment_batch_build(program=PROGRAM, month=NEXT, user=staff))) == {roster["huang"].pk}
