from rest_framework.test import APIClient

from assistance.api.cases import CaseSerializer
from assistance.models import Case, Decision
from assistance.services.cases import case_transition
from core.models import AccessLog, Division
from core.roles import Role
from tests.api_rows import assert_rows_are_the_fields, readers
from tests.assistance.conftest import apply, days_ago, family, to_notice
from tests.factories import HONGLAI, SHUITOU


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_application_goes_through_the_api_to_an_active_case(standards, assistant, officer, second_officer):
    household = family(2)
    response = api(assistant).post(
        "/api/v1/assistance/cases/",
        {"applicant_id_number": household.head.id_number, "kind": "dibao", "applied_on": days_ago(20).isoformat(),
         "accept": True, "income_items": [{"kind": "wages", "monthly_amount": "500"}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["state"] == "accepted" and "investigate" in response.json()["allowed_actions"]
    steps = [
        (assistant, {"action": "investigate", "investigators": "黄秀英、陈国华", "verification": "passed",
                     "on_date": days_ago(19).isoformat()}),
        (officer, {"action": "review", "opinion": "符合条件", "on_date": days_ago(18).isoformat()}),
        (officer, {"action": "publish_notice", "on_date": days_ago(17).isoformat()}),
        # entered today, dated days back: the confirmation says why (公示期补录)
        (second_officer, {"action": "confirm", "comment": "纸质公示已张贴期满，系统补录"}),
    ]  # fmt: skip
    for user, body in steps:
        response = api(user).post(f"/api/v1/assistance/cases/{case_id}/transition/", body, format="json")
        assert response.status_code == 200, response.content
    assert response.json()["state"] == "active" and response.json()["decision"]["amount"] == "1050.00"
    assert Case.objects.get(pk=case_id).notice_backfilled


def test_an_illegal_transition_answers_400_with_the_reason_and_changes_nothing(standards, assistant, officer):
    case = apply(assistant, family(2))
    response = api(officer).post(
        f"/api/v1/assistance/cases/{case.pk}/transition/", {"action": "confirm"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
    assert "不能" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == Case.State.DRAFT and case.transitions.count() == 1


def test_a_user_without_the_right_gets_403_and_nothing_changes(standards, assistant, officer):
    case = to_notice(apply(officer, family(2)), investigator=officer, reviewer=officer)
    response = api(assistant).post(
        f"/api/v1/assistance/cases/{case.pk}/transition/", {"action": "confirm"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    case.refresh_from_db()
    assert case.state == Case.State.NOTICE


def test_the_same_investigator_confirming_through_the_api_is_refused(standards, officer):
    case = to_notice(
        apply(officer, family(2)), investigator=officer, reviewer=officer, investigators=f"黄秀英、{officer}"
    )
    response = api(officer).post(
        f"/api/v1/assistance/cases/{case.pk}/transition/", {"action": "confirm"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "maker_checker"


def test_a_duplicate_application_answers_400_naming_the_existing_case(standards, assistant):
    household = family(2)
    first = apply(assistant, household)
    response = api(assistant).post(
        "/api/v1/assistance/cases/",
        {"applicant_id_number": household.head.id_number, "kind": "dibao", "applied_on": days_ago(1).isoformat()},
        format="json",
    )
    assert response.status_code == 400 and int(response.json()["existing_case"]) == first.pk
    assert f"#{first.pk}" in response.json()["detail"]


def test_a_moved_members_case_in_another_township_is_not_named(standards, assistant, staff):
    """A child of a 水头镇 household in an open dibao case moves to a 洪濑镇 household: the 洪濑镇
    application for it is refused without the 水头镇 case's number, kind, state or township; staff,
    city-wide, are told which case."""
    from core.models import Division
    from core.services.people import household_member_add, household_member_remove, person_update

    old = family(2, township=Division.objects.get(code=SHUITOU))
    first = apply(staff, old)
    moved = old.members.exclude(relation="head").get()
    person_update(user=staff, person=moved.person, township=Division.objects.get(code=HONGLAI))
    household_member_remove(user=staff, member=moved)
    here = family(1)
    household_member_add(user=staff, household=here, person=moved.person, relation="child")
    body = {"applicant_id_number": here.head.id_number, "kind": "dibao", "applied_on": days_ago(1).isoformat()}
    response = api(assistant).post("/api/v1/assistance/cases/", body, format="json")
    assert response.status_code == 400 and "existing_case" not in response.json()
    assert response.json()["detail"] == (
        f"{moved.person.name} 已在其他乡镇（街道）的低保或特困案件中，同一人不能同时在两个低保或特困案件中。"
    )
    response = api(staff).post("/api/v1/assistance/cases/", body, format="json")
    assert response.status_code == 400 and int(response.json()["existing_case"]) == first.pk


def test_another_townships_case_answers_404_in_the_api(standards, assistant, make_user):
    other = make_user("township_officer", SHUITOU)
    case = apply(assistant, family(2))
    assert api(other).get(f"/api/v1/assistance/cases/{case.pk}/").status_code == 404
    response = api(other).post(f"/api/v1/assistance/cases/{case.pk}/transition/", {"action": "accept"}, format="json")
    assert response.status_code == 404
    assert api(other).get("/api/v1/assistance/cases/").json()["count"] == 0


def test_the_case_list_filters_and_masks_for_api_clients(standards, assistant, api_client_user):
    apply(assistant, family(2, name="林秀英"))
    apply(assistant, family(1), kind="tekun", subtype="centralised", income=None)
    data = api(api_client_user).get("/api/v1/assistance/cases/?kind=tekun").json()
    assert data["count"] == 1 and data["results"][0]["kind"] == "tekun"
    everyone = api(api_client_user).get("/api/v1/assistance/cases/?township=350583113").json()["results"]
    assert {"林*英"} <= {r["applicant_name"] for r in everyone}
    assert all("*" in (r["applicant_id_number"] or "*") for r in everyone)


def test_the_case_detail_logs_a_full_id_view(standards, assistant, officer):
    case = apply(assistant, family(2))
    assert (
        api(officer).get(f"/api/v1/assistance/cases/{case.pk}/").json()["applicant_id_number"]
        == case.applicant.id_number
    )
    assert AccessLog.objects.filter(user=officer, object_ids=[case.applicant_id]).exists()


def test_standards_are_listed_and_added_by_bureau_staff_only(standards, staff, officer):
    assert api(officer).get("/api/v1/assistance/standards/?kind=dibao").json()["results"][0]["amount"] == "775.00"
    body = {"kind": "dibao", "amount": "920", "effective_from": "2025-01-01"}
    assert api(officer).post("/api/v1/assistance/standards/", body, format="json").status_code == 403
    assert api(staff).post("/api/v1/assistance/standards/", body, format="json").status_code == 201
    again = api(staff).post("/api/v1/assistance/standards/", body, format="json")
    assert again.status_code == 400 and "effective_from" in again.json()


def test_payroll_is_built_and_approved_through_the_api(standards, assistant, officer, second_officer, staff, make_user,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    from assistance.services.cases import case_transition, next_month_start

    case = to_notice(apply(assistant, family(2), income=("wages", "500")), investigator=assistant, reviewer=officer)
    case_transition(user=second_officer, case=case, action="confirm")
    month = next_month_start(days_ago(0))
    with django_capture_on_commit_callbacks(execute=True):
        response = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": f"{month:%Y-%m}"}, format="json")
    assert response.status_code == 202
    batch = api(staff).get(f"/api/v1/assistance/payroll-batches/?month={month:%Y-%m}").json()["results"][0]
    detail = api(staff).get(f"/api/v1/assistance/payroll-batches/{batch['id']}/").json()
    assert detail["total_amount"] == "1050.00" and detail["townships"][0]["households"] == 1
    assert api(staff).post(f"/api/v1/assistance/payroll-batches/{batch['id']}/approve/").status_code == 400
    checker = make_user("staff")
    assert api(checker).post(f"/api/v1/assistance/payroll-batches/{batch['id']}/approve/").json()["state"] == "approved"
    again = api(staff).post("/api/v1/assistance/payroll-batches/", {"month": f"{month:%Y-%m}"}, format="json")
    assert again.status_code == 400


def test_the_openapi_schema_documents_the_assistance_endpoints(db, staff):
    schema = api(staff).get("/api/schema/?format=json").json()
    for path in ("/api/v1/assistance/cases/", "/api/v1/assistance/cases/{id}/transition/",
                 "/api/v1/assistance/standards/", "/api/v1/assistance/payroll-batches/", "/api/v1/assistance/rescues/"):  # fmt: skip
        assert path in schema["paths"], path


def test_a_case_list_with_full_id_numbers_is_logged(standards, assistant, officer):
    case = apply(assistant, family(2))
    api(officer).get("/api/v1/assistance/cases/")
    assert AccessLog.objects.filter(user=officer, object_type="assistance.case", object_ids=[case.pk]).exists()


def test_case_list_rows_are_the_serializers_fields_for_every_reader(standards, assistant, officer, second_officer,
                                                                     make_user):  # fmt: skip
    """The list builds its rows straight from the cases (CaseRowsSerializer): for every role and every
    reader with one personal-data right, each row is exactly CaseSerializer's fields: a decision's
    amounts (one without a standard), the dates, a village, paperwork pending, the masked names, ID
    numbers and a re-check reason naming a member and the applicant."""
    family_ = family(2, name="林秀英")
    active = case_transition(user=second_officer, action="confirm",
                             case=to_notice(apply(assistant, family_), investigator=assistant, reviewer=officer))  # fmt: skip
    member = family_.members.exclude(person=family_.head).get().person
    village = Division.objects.create(code=f"{HONGLAI}903", name="测试903村", level=Division.Level.VILLAGE,
                                      kind=Division.Kind.VILLAGE, parent_id=HONGLAI)  # fmt: skip
    Case.objects.filter(pk=active.pk).update(recheck_reason=f"成员{member.name}外出务工，林秀英申报", village=village,
                                             next_recheck=days_ago(-30), paperwork_pending=True)  # fmt: skip
    Decision.objects.filter(case=active).update(standard_amount=None, method="manual")
    apply(assistant, family(1), kind="tekun", subtype="centralised", income=None)
    cases = Case.objects.select_related("applicant", "decision").prefetch_related("members__person")

    def in_order(ids):
        by_id = cases.in_bulk(ids)
        return [by_id[i] for i in ids]

    assert_rows_are_the_fields("/api/v1/assistance/cases/", {}, CaseSerializer, in_order, readers(make_user),
                               expected=2)  # fmt: skip
    leader = api(make_user(Role.LEADER)).get("/api/v1/assistance/cases/").json()["results"]
    confirmed = next(row for row in leader if row["id"] == active.pk)
    assert confirmed["decision"]["amount"] == f"{active.decision.amount:.2f}" and confirmed["village"] == village.code
    assert member.name not in confirmed["recheck_reason"] and confirmed["applicant_name"] == "林*英"
