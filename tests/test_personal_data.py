"""One personal-data policy (core.personal) across the apps: a leader meets every person masked
the same way on every page and API that shows them; staff see them in full, and that is logged."""

import datetime

import pytest
from django.urls import reverse

from assistance.services.cases import case_transition
from core.models import AccessLog, Household, HouseholdMember
from core.roles import Role
from funeral.models import Facility
from funeral.services.records import death_record_register
from tests.assistance.conftest import apply, family, to_notice
from tests.factories import HONGLAI, PersonFactory

HEAD, MEMBER = "萧怡然", "欧阳修远"


@pytest.fixture
def people_everywhere(standards, make_user):
    """An active dibao case whose member died: a re-check reason naming him, and his cremation record."""
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    checker = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    staff = make_user(Role.STAFF)
    household = family(1, name=HEAD, phone="13905951234")
    member = PersonFactory(name=MEMBER, phone="13805950001")
    HouseholdMember.objects.create(household=household, person=member, relation=Household.Relation.CHILD)
    case = to_notice(apply(officer, household), investigator=officer, reviewer=officer)
    case = case_transition(user=checker, case=case, action="confirm", comment="同意")
    home = Facility.objects.create(
        name="南安市殡仪馆",
        kind=Facility.Kind.FUNERAL_HOME,
        level=Facility.Level.COUNTY,
        township_id="350583002",
        opened_on=datetime.date(1998, 6, 1),
    )
    record = death_record_register(
        user=staff, person=member, funeral_home=home, date_of_death=datetime.date.today() - datetime.timedelta(days=2),
        cremation_date=datetime.date.today() - datetime.timedelta(days=1), certificate_no="NA-TEST-1",
    )  # fmt: skip
    case.refresh_from_db()
    assert MEMBER in case.recheck_reason
    return {"household": household, "head": household.head, "member": member, "case": case, "record": record}


def _urls(data):
    head, case, record = data["head"], data["case"], data["record"]
    return [
        reverse("core:person_list"),
        reverse("core:person_detail", args=[head.pk]),
        reverse("core:household_list"),
        reverse("core:household_detail", args=[data["household"].pk]),
        reverse("assistance:rechecks") + "?within=180",
        reverse("assistance:case_detail", args=[case.pk]),
        reverse("funeral:record_list"),
        reverse("funeral:record_detail", args=[record.pk]),
        "/api/v1/people/",
        f"/api/v1/people/{head.pk}/",
        f"/api/v1/households/{data['household'].pk}/",
        f"/api/v1/assistance/cases/{case.pk}/",
        f"/api/v1/funeral/records/{record.pk}/",
    ]


def _secrets(data):
    head, member = data["head"], data["member"]
    return [HEAD, MEMBER, head.id_number, member.id_number, head.phone, member.phone]


def test_a_leader_finds_no_full_name_id_number_or_phone_on_any_page_or_api(people_everywhere, leader, client_for):
    client = client_for(leader)
    for url in _urls(people_everywhere):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        found = [secret for secret in _secrets(people_everywhere) if secret in body]
        assert found == [], f"{url} shows {found}"
    assert not AccessLog.objects.filter(user=leader).exists()


def test_staff_see_the_same_pages_in_full_and_every_full_view_is_logged(people_everywhere, staff, client_for):
    client = client_for(staff)
    shown = set()
    for url in _urls(people_everywhere):
        response = client.get(url)
        assert response.status_code == 200, url
        shown |= {secret for secret in _secrets(people_everywhere) if secret in response.content.decode()}
    assert shown == set(_secrets(people_everywhere))
    logged = AccessLog.objects.filter(user=staff, action=AccessLog.Action.VIEW_FULL_ID)
    assert logged.filter(object_type="person", object_ids__contains=[people_everywhere["head"].pk]).exists()
    assert logged.filter(detail__contains="/api/v1/assistance/cases/").exists()


def test_masking_reasons_in_the_case_list_costs_no_query_per_case(people_everywhere, leader, client_for, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assistance.models import Case

    client = client_for(leader)
    client.get("/api/v1/assistance/cases/")  # the first request after sign-in also slides the session
    with CaptureQueriesContext(connection) as one:
        first = client.get("/api/v1/assistance/cases/").json()
    officer = make_user(Role.TOWNSHIP_OFFICER, HONGLAI)
    extra = [apply(officer, family(2)) for _ in range(3)]
    for case in extra:
        Case.objects.filter(pk=case.pk).update(recheck_reason=f"成员 {case.applicant.name} 于 2026-01-01 死亡")
    with CaptureQueriesContext(connection) as four:
        listing = client.get("/api/v1/assistance/cases/").json()
    assert (first["count"], listing["count"]) == (1, 4)
    assert len(four) == len(one)
    names = {c.applicant.name for c in extra}
    assert all(not any(n in (row["recheck_reason"] or "") for n in names) for row in listing["results"])


def test_the_case_list_masks_a_members_name_in_a_reason_for_a_leader(people_everywhere, leader, client_for):
    """The list reads the members' names of its page's cases with text to mask, once for the page:
    the re-check reason names the member who died, not the applicant."""
    case = people_everywhere["case"]
    rows = client_for(leader).get("/api/v1/assistance/cases/").json()["results"]
    reason = next(row["recheck_reason"] for row in rows if row["id"] == case.pk)
    assert MEMBER not in reason and "死亡" in reason
    assert case.recheck_reason != reason  # the name was there, and is masked


def test_the_rechecks_page_rows_follow_the_name_policy(people_everywhere, staff, leader, client_for):
    """A re-check row: its date (red once late), the case, the household's head and the reason, the
    head and the member the reason names masked for a role that sees names masked."""
    from assistance.models import Case

    case = people_everywhere["case"]
    due = datetime.date.today() - datetime.timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(next_recheck=due)
    for user, head, member in ((staff, HEAD, MEMBER), (leader, "萧*然", "欧**远")):
        page = client_for(user).get(reverse("assistance:rechecks"), {"within": 0})
        row = next(r for r in page.context["rows"] if r["pk"] == case.pk)
        assert (row["due"], row["late"], row["name"]) == (due.isoformat(), True, head)
        assert member in row["reason"] and "死亡" in row["reason"]
        html = page.content.decode()
        assert f'<span class="badge text-bg-danger">{due.isoformat()}</span>' in html
        assert f'href="{reverse("assistance:case_detail", args=[case.pk])}">#{case.pk}</a>' in html
        assert head in html and member in html
