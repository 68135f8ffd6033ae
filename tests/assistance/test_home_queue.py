"""Each role's home page shows the day's work with counts (issue 16, item 7): the village assistant
can start an application and find their own; the township officer counts the cases waiting for
their step (a notice only once it has run out), the overdue ones and the re-checks due."""

import re

from assistance.selectors import home_queue
from assistance.services.cases import case_transition
from tests.assistance.conftest import apply, days_ago, family, to_notice


def count(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    return match.group(1).strip() if match else ""


def test_the_village_assistant_starts_an_application_and_finds_their_own(client_for, assistant):
    apply(assistant, family())
    html = client_for(assistant).get("/").content.decode()
    assert 'data-testid="home-new-application"' in html
    assert count(html, "count-mine") == "1"
    mine = client_for(assistant).get("/assistance/cases/?mine=1").content.decode()
    assert mine.count('href="/assistance/cases/') >= 1


def test_the_officer_counts_the_cases_waiting_for_their_step(client_for, officer, assistant):
    draft = apply(assistant, family())  # waits for 受理 (the officer may accept)
    running = to_notice(apply(assistant, family()), investigator=officer, reviewer=officer, start=3)
    done_notice = to_notice(apply(assistant, family()), investigator=officer, reviewer=officer, start=20)
    queue = home_queue(user=officer)
    # The draft and the notice that has run out wait for the officer; the running notice does not.
    assert queue["my_step"] == 2, (draft.state, running.state, done_notice.state)
    html = client_for(officer).get("/").content.decode()
    assert count(html, "count-my-step") == "2"
    case_transition(user=officer, case=draft, action="accept", on_date=days_ago(1))
    assert home_queue(user=officer)["my_step"] == 2  # accepted: the officer investigates next


def test_a_case_past_its_deadline_is_counted_overdue(officer, assistant):
    case = apply(assistant, family(), applied_on=days_ago(80))
    case_transition(user=officer, case=case, action="accept", on_date=days_ago(79))
    assert home_queue(user=officer)["overdue"] == 1


def test_a_leader_sees_no_queue_card_actions(client_for, leader):
    html = client_for(leader).get("/").content.decode()
    assert 'data-testid="home-new-application"' not in html


def test_the_household_page_offers_to_apply_with_its_head_as_applicant(client_for, assistant):
    household = family()
    client = client_for(assistant)
    page = client.get(f"/core/households/{household.pk}/").content.decode()
    assert f"/assistance/cases/new/?household={household.pk}" in page
    form = client.get(f"/assistance/cases/new/?household={household.pk}").content.decode()
    assert f'value="{household.head.id_number}"' in form
