from decimal import Decimal

from assistance.models import Case
from assistance.services.cases import case_transition
from core.models import AccessLog
from tests.assistance.conftest import apply, days_ago, family, to_notice
from tests.factories import SHUITOU, PersonFactory


def test_the_queue_sorts_by_deadline_and_marks_overdue_cases(standards, client_for, officer, assistant):
    late = apply(assistant, family(2), accept=True, accepted_on=days_ago(40), applied_on=days_ago(40))
    fresh = apply(assistant, family(2), accept=True, accepted_on=days_ago(0), applied_on=days_ago(0))
    html = client_for(officer).get("/assistance/").content.decode()
    assert html.index(f"queue-row-{late.pk}") < html.index(f"queue-row-{fresh.pk}")
    assert 'data-testid="badge-overdue"' in html


def test_a_village_assistant_enters_an_application_in_the_intake_form(standards, client_for, assistant):
    household = family(3)
    response = client_for(assistant).post(
        "/assistance/cases/new/",
        {
            "id_number": household.head.id_number, "kind": "dibao", "subtype": "", "applied_on": days_ago(1).isoformat(),
            "reason": "因病致贫", "bank_account": "6228480000000000001", "accept": "on",
            "income-TOTAL_FORMS": "2", "income-INITIAL_FORMS": "0",
            "income-0-kind": "wages", "income-0-monthly_amount": "900", "income-1-kind": "basic_pension",
            "income-1-monthly_amount": "150",
            "asset-TOTAL_FORMS": "1", "asset-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assistance/cases/{case.pk}/"
    assert case.state == Case.State.ACCEPTED and case.members.count() == 3
    page = client_for(assistant).get(response["Location"]).content.decode()
    # (775 − 900/3) × 3: the pension is not counted
    assert "475.00" in page and "1425.00" in page


def test_a_second_application_for_a_member_of_an_active_household_names_the_existing_case(
    standards, client_for, assistant
):
    household = family(2)
    first = apply(assistant, household)
    response = client_for(assistant).post(
        "/assistance/cases/new/",
        {"id_number": household.head.id_number, "kind": "tekun", "subtype": "dispersed", "self_care_unable_items": "0",
         "applied_on": days_ago(1).isoformat(), "income-TOTAL_FORMS": "0", "income-INITIAL_FORMS": "0",
         "asset-TOTAL_FORMS": "0", "asset-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert f"#{first.pk}" in response.content.decode() and Case.objects.count() == 1


def test_another_townships_case_answers_404_on_every_page(standards, client_for, officer, make_user):
    other_officer = make_user("township_officer", SHUITOU)
    case = apply(other_officer, family(2, township=PersonFactory(township_id=SHUITOU).township))
    client = client_for(officer)
    for url in (f"/assistance/cases/{case.pk}/", f"/assistance/cases/{case.pk}/act/refuse/",
                f"/assistance/cases/{case.pk}/income/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/assistance/cases/{case.pk}/act/refuse/", {"comment": "x"}).status_code == 404


def test_the_case_page_shows_the_frozen_amount_and_logs_the_full_id_view(standards, client_for, assistant, officer,
                                                                       second_officer):  # fmt: skip
    case = to_notice(apply(assistant, family(2), income=("wages", "500")), investigator=assistant, reviewer=officer)
    case_transition(user=second_officer, case=case, action="confirm")
    html = client_for(officer).get(f"/assistance/cases/{case.pk}/").content.decode()
    assert 'data-testid="amount">1050.00' in html  # (775 − 250) × 2
    assert AccessLog.objects.filter(user=officer, action="view_full_id").exists()


def test_a_leader_sees_masked_names_and_no_actions(standards, client_for, assistant, leader):
    case = apply(assistant, family(2, name="陈志明"))
    html = client_for(leader).get(f"/assistance/cases/{case.pk}/").content.decode()
    assert "陈*明" in html and "陈志明" not in html and 'data-testid="actions"' not in html
    assert case.applicant.id_number not in html


def test_an_action_page_runs_the_service_and_shows_its_error(standards, client_for, assistant, officer):
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(5))
    client = client_for(officer)
    response = client.post(f"/assistance/cases/{case.pk}/act/investigate/",
                           {"on_date": days_ago(4).isoformat(), "investigators": "黄秀英", "verification": "passed"})  # fmt: skip
    assert response.status_code == 200 and "至少需要两名调查人员" in response.content.decode()
    response = client.post(f"/assistance/cases/{case.pk}/act/investigate/",
                           {"on_date": days_ago(4).isoformat(), "investigators": "黄秀英、陈国华", "verification": "passed"})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.INVESTIGATED and case.investigated_by == officer


def test_the_village_notice_sheet_masks_names(standards, client_for, assistant, officer):
    case = to_notice(apply(assistant, family(2, name="张三明")), investigator=assistant, reviewer=officer, start=3)
    from core.models import Division

    village = Division.objects.create(
        code=f"{case.township_id}201", name="洪梅村", level="village", parent_id=case.township_id
    )
    Case.objects.filter(pk=case.pk).update(village=village)
    html = client_for(officer).get(f"/assistance/notices/?township={case.township_id}&village={village.code}")
    text = html.content.decode()
    assert "张*明" in text and "张三明" not in text and str(Decimal("950.00")) in text


def test_refusal_notice_is_printable_with_the_reason(standards, client_for, assistant, officer):
    case = apply(assistant, family(2), accept=True, accepted_on=days_ago(5))
    case_transition(user=officer, case=case, action="refuse", comment="家庭存款超过规定标准")
    html = client_for(officer).get(f"/assistance/cases/{case.pk}/refusal-notice/").content.decode()
    assert "不予认定通知书" in html and "家庭存款超过规定标准" in html and "行政复议" in html


def test_the_lists_render_for_every_role(standards, client_for, staff, officer, assistant, leader):
    apply(assistant, family(2))
    for user in (staff, officer, assistant, leader):
        client = client_for(user)
        for url in ("/assistance/", "/assistance/cases/", "/assistance/rechecks/", "/assistance/standards/",
                    "/assistance/notices/"):  # fmt: skip
            assert client.get(url).status_code == 200, (user.role, url)
    assert client_for(staff).get("/assistance/payroll/").status_code == 200
    assert client_for(assistant).get("/assistance/payroll/").status_code == 403


def test_the_queue_and_the_case_list_read_a_page_in_the_same_queries_for_1_case_or_5(
    standards, client_for, officer, assistant
):
    """A row reads only the columns it shows (assistance.views.cases QUEUE_COLUMNS, LIST_COLUMNS): a
    column a row needs and the page did not read would cost a query per case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)
    client.get("/assistance/")  # the first request after sign-in also slides the session
    counts = {}
    for n in (1, 5):
        while len(client.get("/assistance/cases/").context["rows"]) < n:
            apply(assistant, family(2), accept=True, accepted_on=days_ago(3))
        with CaptureQueriesContext(connection) as queue:
            rows = client.get("/assistance/").context["rows"]
        assert len(rows) == n and all(r["accepted_on"] != "—" and r["name"] and r["township"] for r in rows)
        with CaptureQueriesContext(connection) as listed:
            rows = client.get("/assistance/cases/").context["rows"]
        assert len(rows) == n and all(r["amount"] == "—" and r["state_label"] for r in rows)
        counts[n] = (len(queue), len(listed))
    assert counts[1] == counts[5]


def test_the_case_page_masks_names_in_its_free_texts_as_the_api_does(officer, leader, client_for):
    """Found by an attacker's walk: a leader read "韩月思因病致贫，配偶潘芬诗无业" on the case page while
    the API gave "韩*思…潘*诗". Every text the clerks typed is masked on the page and the letter."""
    from assistance.models import IncomeItem, Objection

    household = family(2)
    head = household.head
    spouse = household.members.exclude(person=head).get().person
    case = apply(officer, household)
    Case.objects.filter(pk=case.pk).update(
        reason=f"{head.name}因病致贫，配偶{spouse.name}无业", opinion=f"经审核，{head.name}家庭符合条件",
        extension_reason=f"{spouse.name}外出务工，需延期核实", refusal_reason=f"{spouse.name}名下有车辆",
        state=Case.State.REFUSED,
    )  # fmt: skip
    IncomeItem.objects.filter(case=case).update(note=f"{spouse.name}打零工")
    Objection.objects.create(case=case, received_on=days_ago(1), content=f"村民反映{head.name}有经营收入",
                             recorded_by=officer)  # fmt: skip
    texts = [f"{head.name}因病致贫", f"经审核，{head.name}家庭", f"{spouse.name}外出务工", f"{spouse.name}名下有车辆",
             f"{spouse.name}打零工", f"村民反映{head.name}"]  # fmt: skip
    staff_page = client_for(officer).get(f"/assistance/cases/{case.pk}/").content.decode()
    assert all(text in staff_page for text in texts)
    page = client_for(leader).get(f"/assistance/cases/{case.pk}/")
    assert page.status_code == 200
    shown = page.content.decode()
    assert not [text for text in texts if text in shown]
    assert head.name[0] + "*" in shown and spouse.name[0] + "*" in shown
    letter = client_for(leader).get(f"/assistance/cases/{case.pk}/refusal-notice/").content.decode()
    assert f"{spouse.name}名下有车辆" not in letter and f"{spouse.name[0]}*" in letter
    detail = client_for(leader).get(f"/api/v1/assistance/cases/{case.pk}/").json()
    assert spouse.name not in detail["income_items"][0]["note"]
