"""The case page at the notice stage (issue 16, item 6): only the actions that can succeed now are
offered (审核确认 waits for the notice to run out, and the page says until when), the destructive ones
come last and ask before they are done, and the investigation's verification has no default."""

import re

from tests.assistance.conftest import apply, family, to_notice


def offered(html: str) -> list[str]:
    return re.findall(r'data-action="([a-z_]+)"', html)


def test_during_the_notice_confirmation_is_not_offered_and_the_end_date_is_shown(client_for, officer, staff):
    case = to_notice(apply(officer, family()), investigator=officer, reviewer=officer, start=3)
    html = client_for(staff).get(f"/assistance/cases/{case.pk}/").content.decode()
    actions = offered(html)
    assert "confirm" not in actions
    assert f"至 {case.notice_end:%Y-%m-%d}" in html
    assert actions.index("extend") < actions.index("object") and actions.index("extend") < actions.index("refuse")


def test_after_the_notice_confirmation_is_offered_first(client_for, officer, staff):
    case = to_notice(apply(officer, family()), investigator=officer, reviewer=officer, start=20)
    html = client_for(staff).get(f"/assistance/cases/{case.pk}/").content.decode()
    actions = offered(html)
    assert actions[0] == "confirm"
    assert "已期满" in html
    assert actions[-2:] in (["object", "refuse"], ["refuse", "object"])


def test_a_destructive_action_asks_before_it_is_done(client_for, officer):
    case = to_notice(apply(officer, family()), investigator=officer, reviewer=officer, start=3)
    html = client_for(officer).get(f"/assistance/cases/{case.pk}/act/object/").content.decode()
    assert "data-confirm=" in html


def test_the_investigation_has_no_default_verification(client_for, officer):
    from assistance.services.cases import case_transition
    from tests.assistance.conftest import days_ago

    case = apply(officer, family())
    case = case_transition(user=officer, case=case, action="accept", on_date=days_ago(10))
    client = client_for(officer)
    form = client.get(f"/assistance/cases/{case.pk}/act/investigate/").content.decode()
    assert re.search(r'<option value="" selected>', form)
    response = client.post(
        f"/assistance/cases/{case.pk}/act/investigate/",
        {"on_date": days_ago(9).isoformat(), "investigators": "黄秀英、陈国华", "verification": ""},
    )
    assert 'data-field-error="verification"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == "accepted"
