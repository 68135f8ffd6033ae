"""Rules written once, in the services: the applicant lookup, the payroll request, the decision with
its snapshot, and every field error of a write reported at once (one ValidationError keyed by field)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from assistance.calculation import Calculation
from assistance.models import Case, Decision, IncomeItem, Rescue, Standard
from assistance.services.cases import (
    DecidedMember,
    IncomeInput,
    case_applicant_find,
    case_create,
    case_transition,
    decision_build,
)
from assistance.services.payroll import payroll_request
from assistance.services.standards import standard_create
from core.models import AccessLog, PaymentBatch
from tests.assistance.conftest import TODAY, api, apply, days_ago, errors_of, family, to_notice
from tests.factories import SHUITOU, PersonFactory

MARCH = datetime.date(2025, 3, 1)


def approved_batch(month=MARCH) -> PaymentBatch:
    return PaymentBatch.objects.create(
        program="assistance", month=month, state=PaymentBatch.State.APPROVED, approved_at=timezone.now()
    )


# --- the applicant, by ID number, in the caller's jurisdiction ---------------------------------------


def test_the_applicant_is_a_person_of_the_jurisdiction_registered_in_a_household(standards, assistant):
    household = family(2)
    person = case_applicant_find(user=assistant, id_number=household.head.id_number.lower())
    assert person == household.head and person.membership.household == household


def test_an_unknown_or_another_townships_id_number_answers_the_same(standards, assistant):
    other = family(1, township=PersonFactory(township_id=SHUITOU).township)
    for number in ("350583199001011234", other.head.id_number):
        errors = errors_of(lambda n=number: case_applicant_find(user=assistant, id_number=n))
        assert errors == {"id_number": ["本辖区没有此身份证号的人员，请先在“人员”中登记。"]}


def test_a_person_without_a_household_is_named(standards, assistant):
    person = PersonFactory(name="陈志明")
    errors = errors_of(lambda: case_applicant_find(user=assistant, id_number=person.id_number))
    assert errors == {"id_number": ["陈志明 尚未登记家庭，请先在“家庭”中登记。"]}


def test_the_api_and_the_intake_page_give_the_services_answer(standards, assistant, client_for):
    person = PersonFactory(name="陈志明")
    body = {"applicant_id_number": person.id_number, "kind": "dibao", "applied_on": days_ago(1).isoformat()}
    response = api(assistant).post("/api/v1/assistance/cases/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"applicant_id_number": ["陈志明 尚未登记家庭，请先在“家庭”中登记。"]}
    page = client_for(assistant).post(
        "/assistance/cases/new/",
        {"id_number": "350583199001011234", "kind": "dibao", "applied_on": days_ago(1).isoformat(),
         "income-TOTAL_FORMS": "0", "income-INITIAL_FORMS": "0", "asset-TOTAL_FORMS": "0", "asset-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert page.status_code == 200 and "本辖区没有此身份证号的人员" in page.content.decode()
    assert not Case.objects.exists()


# --- the payroll request ---------------------------------------------------------------------------


def test_a_payroll_request_queues_the_build_after_the_commit(db, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert payroll_request(month="2025-03", user=staff) == MARCH
    assert len(callbacks) == 1


def test_a_payroll_request_refuses_a_bad_month_and_an_approved_one(db, staff, django_capture_on_commit_callbacks):
    approved_batch()
    with django_capture_on_commit_callbacks() as callbacks:
        assert errors_of(lambda: payroll_request(month="2025/03", user=staff)) == {"month": ["格式应为 YYYY-MM。"]}
        assert errors_of(lambda: payroll_request(month="2025-03", user=staff)) == {
            "month": ["2025-03 的批次已审定，不会重复发放。"]
        }
    assert callbacks == []


def test_the_payroll_page_and_the_api_refuse_an_approved_month_alike(db, staff, client_for,
                                                                     django_capture_on_commit_callbacks):  # fmt: skip
    approved_batch()
    with django_capture_on_commit_callbacks() as callbacks:
        page = client_for(staff).post("/assistance/payroll/", {"month": "2025-03"})
        response = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": "2025-03"}, format="json")
        bad = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": "March"}, format="json")
    assert page.status_code == 200 and "2025-03 的批次已审定，不会重复发放。" in page.content.decode()
    assert response.status_code == 400 and response.json() == {"month": ["2025-03 的批次已审定，不会重复发放。"]}
    assert bad.status_code == 400 and bad.json() == {"month": ["格式应为 YYYY-MM。"]}
    assert callbacks == []


# --- one place makes a Decision --------------------------------------------------------------------


def _calc(kind, standard) -> Calculation:
    return Calculation(kind=kind, standard=standard, household_size=2, covered_count=2,
                       counted_income=Decimal("100.00"), per_capita_income=Decimal("50.00"),
                       per_member_amount=Decimal("725.00"), amount=Decimal("1450.00"), eligible=True,
                       steps=["step"])  # fmt: skip


def test_a_decision_is_built_unsaved_with_its_frozen_snapshot(standards, staff):
    dibao = Standard.objects.get(kind=Standard.Kind.DIBAO)
    on = datetime.date(2025, 3, 14)
    members = [DecidedMember(1, "陈志明", "head", True), DecidedMember(2, "林秀英", "spouse", False)]
    income = [IncomeItem(kind="wages", monthly_amount=Decimal("100.00"), person_id=1),
              IncomeItem(kind="basic_pension", monthly_amount=Decimal("150.00"))]  # fmt: skip
    decision = decision_build(case=Case(kind=Case.Kind.DIBAO), calc=_calc(Case.Kind.DIBAO, dibao), user=staff, on=on,
                              members=members, income_items=income)  # fmt: skip
    assert isinstance(decision, Decision) and decision.pk is None
    assert decision.pay_from == datetime.date(2025, 4, 1) and decision.method == dibao.method
    assert decision.standard_amount == dibao.amount and decision.decided_by == staff
    assert decision.snapshot == {
        "members": [{"id": 1, "name": "陈志明", "relation": "head", "covered": True},
                    {"id": 2, "name": "林秀英", "relation": "spouse", "covered": False}],
        "income": [{"kind": "wages", "amount": "100.00", "counted": True, "person": 1},
                   {"kind": "basic_pension", "amount": "150.00", "counted": False, "person": None}],
        "steps": ["step"],
    }  # fmt: skip
    assert decision.covered_person_ids == [1]


def test_temporary_assistance_pays_from_its_own_month_and_an_import_is_marked(standards, staff):
    on = datetime.date(2025, 3, 14)
    calc = _calc(Case.Kind.TEMPORARY, None)
    temporary = decision_build(case=Case(kind=Case.Kind.TEMPORARY), calc=calc, user=staff, on=on, members=[],
                               income_items=[])  # fmt: skip
    assert temporary.pay_from == MARCH and temporary.standard_amount is None and temporary.method == ""
    imported = decision_build(case=Case(kind=Case.Kind.TEKUN), calc=calc, user=staff, on=on, members=[],
                              income_items=[], method="imported", imported=True)  # fmt: skip
    assert imported.method == "imported" and imported.snapshot["imported"] is True


# --- every field error at once ---------------------------------------------------------------------


def test_an_application_reports_every_bad_field_at_once(standards, assistant):
    household = family(2)
    errors = errors_of(
        lambda: case_create(
            user=assistant, kind=Case.Kind.TEMPORARY, subtype="", household=household,
            applied_on=TODAY + datetime.timedelta(days=1), requested_amount="-5",
            income_items=[IncomeInput(kind="lottery", monthly_amount=Decimal("10"))],
        )
    )  # fmt: skip
    assert errors == {
        "subtype": ["临时救助请选择急难型或支出型。"],
        "applied_on": [f"日期应在 1900-01-01 至 {TODAY.isoformat()} 之间。"],
        "requested_amount": ["金额不能为负数。"],
        "income_items": ["第 1 项收入类型不正确。"],
    }
    assert not Case.objects.exists()


def test_a_field_the_rules_refuse_is_not_reported_twice_by_the_model(standards, assistant):
    errors = errors_of(
        lambda: case_create(user=assistant, kind="pension", household=family(2), applied_on=days_ago(1),
                            bank_account="6" * 41)
    )  # fmt: skip
    assert errors["kind"] == ["请选择救助类别。"] and len(errors["bank_account"]) == 1


def test_an_investigation_reports_both_missing_fields(standards, assistant):
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(10))
    errors = errors_of(lambda: case_transition(user=assistant, case=case, action="investigate", investigators="黄秀英"))
    assert errors == {"investigators": ["入户调查至少需要两名调查人员。"], "verification": ["请填写经济状况核对结果。"]}
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED


def test_a_gradual_exit_reports_the_reason_and_the_date_together(standards, assistant, officer, second_officer):
    case = to_notice(apply(assistant, family(2)), investigator=assistant, reviewer=officer)
    case = case_transition(user=second_officer, case=case, action="confirm")
    errors = errors_of(lambda: case_transition(user=officer, case=case, action="gradual_exit"))
    assert set(errors) == {"comment", "exit_until"}


def test_a_standard_reports_every_bad_field_at_once(standards, staff):
    errors = errors_of(
        lambda: standard_create(user=staff, kind=Standard.Kind.TEKUN_CENTRALISED, amount="0",
                                effective_from=datetime.date(2020, 1, 1), method=Standard.Method.TIERED)
    )  # fmt: skip
    assert errors == {
        "amount": ["金额应在 100 至 10,000 元之间。"],
        "method": ["只有低保标准可以分档发放。"],
        "effective_from": ["该日期已有同类标准；标准只能新增，不能覆盖。"],
    }


# --- the rescue API logs with the kernel's LogsFullIds ---------------------------------------------


def test_rescue_api_reads_log_the_people_shown_and_nothing_for_unidentified_records(staff, officer):
    person = PersonFactory()
    known = Rescue.objects.create(intake_date=days_ago(3), person=person, created_by=staff)
    unknown = Rescue.objects.create(intake_date=days_ago(3), provisional_name="无名氏", created_by=staff)
    api(staff).get(f"/api/v1/assistance/rescues/{unknown.pk}/")
    assert not AccessLog.objects.exists()
    api(staff).get(f"/api/v1/assistance/rescues/{known.pk}/")
    log = AccessLog.objects.get()
    assert (log.object_type, log.object_ids, log.action) == ("person", [person.pk], AccessLog.Action.VIEW_FULL_ID)
