"""探访: the groups' rules, the bureau's interval per group, visit records, and the overdue list (a
person whose last visit, or joining, is older than the shortest interval of their groups); a death
takes the person off the programme; another township's person answers 404 at every door."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.services.people import person_record_death
from eldercare.models import Visit, VisitTarget
from eldercare.selectors import visit_due_list
from eldercare.services.visits import visit_interval_set, visit_record, visit_target_add, visit_target_end
from tests.api_schema import check
from tests.eldercare.conftest import TODAY, assess, older

D = datetime.date
BASE = "/api/v1/eldercare/"


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def intervals(staff):
    visit_interval_set(user=staff, group="high_age", days=90)
    visit_interval_set(user=staff, group="living_alone", days=30)


def visit(user, person, on, **kw):
    return visit_record(user=user, person=person, visited_on=on, visitor="村协理员", findings="身体尚可", **kw)


def rows_by_person(user, **kw):
    return {r["person_id"]: r for r in visit_due_list(user=user, **kw)}


def test_a_person_is_overdue_once_the_interval_since_the_last_visit_has_passed(officer, honglai, intervals):
    fresh, stale, never = older(honglai, 85, "陈阿婆"), older(honglai, 86, "林阿公"), older(honglai, 87, "黄阿婆")
    for p in (fresh, stale):
        visit_target_add(user=officer, person=p, group="high_age", since=ago(400))
    visit_target_add(user=officer, person=never, group="high_age", since=ago(100))
    visit(officer, fresh, ago(89))
    visit(officer, stale, ago(200))
    visit(officer, stale, ago(91))  # the latest visit counts
    rows = rows_by_person(officer)
    assert (rows[fresh.pk]["overdue"], rows[fresh.pk]["due"]) == (False, ago(89) + datetime.timedelta(days=90))
    assert (rows[stale.pk]["overdue"], rows[stale.pk]["days_overdue"], rows[stale.pk]["last_visit"]) == (
        True, 1, ago(91))  # fmt: skip
    assert (rows[never.pk]["overdue"], rows[never.pk]["last_visit"]) == (True, None)  # 100 days since joining
    assert list(rows_by_person(officer, overdue_only=True)) == [never.pk, stale.pk]  # longest overdue first


def test_the_shortest_interval_of_a_persons_groups_applies(officer, honglai, intervals):
    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    visit(officer, person, ago(40))
    assert rows_by_person(officer)[person.pk]["overdue"] is False  # 90 days for 高龄
    visit_target_add(user=officer, person=person, group="living_alone", since=ago(10))
    row = rows_by_person(officer)[person.pk]
    assert (row["interval"], row["overdue"], row["days_overdue"]) == (30, True, 10)
    assert set(row["groups"]) == {"high_age", "living_alone"}


def test_a_group_without_an_interval_is_never_overdue(officer, honglai):
    person = older(honglai, 70)
    visit_target_add(user=officer, person=person, group="left_behind", since=ago(500))
    row = rows_by_person(officer)[person.pk]
    assert (row["interval"], row["due"], row["overdue"]) == (None, None, False)


def test_an_entry_added_after_visits_counts_from_the_latest_of_them(officer, honglai, intervals):
    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    visit(officer, person, ago(20))
    visit(officer, person, ago(50))  # entered late: an older visit does not move the latest back
    visit_target_add(user=officer, person=person, group="living_alone", since=ago(5))
    assert set(VisitTarget.objects.filter(person=person).values_list("last_visit_on", flat=True)) == {ago(20)}
    row = rows_by_person(officer)[person.pk]
    assert (row["last_visit"], row["interval"], row["due"], row["overdue"]) == (
        ago(20),
        30,
        ago(20) + datetime.timedelta(days=30),
        False,
    )


def test_a_visit_changed_or_deleted_in_the_admin_moves_the_due_day(client_for, admin_user, officer, honglai, intervals):
    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    old, latest = visit(officer, person, ago(200)), visit(officer, person, ago(10))
    admin = client_for(admin_user)
    response = admin.post(f"/admin/eldercare/visit/{latest.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Visit.objects.filter(pk=latest.pk).exists()
    row = rows_by_person(officer)[person.pk]
    assert (row["last_visit"], row["overdue"], row["days_overdue"]) == (ago(200), True, 110)
    response = admin.post(
        "/admin/eldercare/visit/", {"action": "delete_selected", "_selected_action": [old.pk], "post": "yes"}
    )
    assert response.status_code == 302 and not Visit.objects.exists()
    assert rows_by_person(officer)[person.pk]["last_visit"] is None


def test_an_entry_added_in_the_admin_starts_from_the_persons_latest_visit(client_for, admin_user, officer, honglai,
                                                                        intervals):  # fmt: skip
    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    visit(officer, person, ago(10))
    response = client_for(admin_user).post(
        "/admin/eldercare/visittarget/add/",
        {"person": person.pk, "group": "living_alone", "since": ago(5).isoformat(), "created_by": admin_user.pk,
         "note": "", "end_reason": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    added = VisitTarget.objects.get(person=person, group="living_alone")
    assert added.last_visit_on == ago(10)
    assert rows_by_person(officer)[person.pk]["overdue"] is False


def test_the_city_wide_list_asks_the_same_queries_for_any_number_of_people(
    client_for, staff, officer, honglai, intervals
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client_for(staff).get("/eldercare/visits/due/").status_code == 200
        return len(captured)

    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    queries()  # the first request of a session fills its caches (permissions, menu)
    few = queries()
    for i in range(30):
        someone = older(honglai, 81 + i % 10, f"测试{i}")
        visit_target_add(user=officer, person=someone, group="high_age", since=ago(300 + i))
        visit(officer, someone, ago(i + 1))
    assert queries() == few


def test_changing_an_interval_changes_who_is_overdue(staff, officer, honglai, intervals):
    person = older(honglai, 85)
    visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    visit(officer, person, ago(60))
    assert rows_by_person(officer)[person.pk]["overdue"] is False
    visit_interval_set(user=staff, group="high_age", days=45)
    assert rows_by_person(officer)[person.pk]["overdue"] is True


def test_only_the_bureau_sets_intervals_and_within_7_to_366_days(staff, officer):
    with pytest.raises(ValidationError) as err:
        visit_interval_set(user=officer, group="high_age", days=30)
    assert "group" in err.value.message_dict
    for days in (6, 367, "x"):
        with pytest.raises(ValidationError) as err:
            visit_interval_set(user=staff, group="high_age", days=days)
        assert "days" in err.value.message_dict


def test_a_death_takes_the_person_off_the_programme(staff, officer, honglai, intervals):
    person = older(honglai, 85)
    target = visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    person_record_death(user=staff, person=person, date_of_death=TODAY, source="test")
    target.refresh_from_db()
    assert target.ended_on == TODAY and target.end_reason.startswith("死亡")
    assert person.pk not in rows_by_person(officer)


def test_the_list_of_a_day_holds_those_alive_on_it_whatever_ended_their_entries(staff, officer, honglai, intervals):
    """Alive on the list's day is read from the registry's date of death itself, not only from the
    entries a death ends: a death the programme never heard of (written to the registry directly)
    takes the person off the lists from that day, and every list of an earlier day still holds them."""
    from core.models import Person

    heard, unheard, living = older(honglai, 85, "陈阿婆"), older(honglai, 86, "林阿公"), older(honglai, 87, "黄阿婆")
    for p in (heard, unheard, living):
        visit_target_add(user=officer, person=p, group="high_age", since=ago(400))
    person_record_death(user=staff, person=heard, date_of_death=ago(10), source="test")
    Person.objects.filter(pk=unheard.pk).update(date_of_death=ago(20))
    assert VisitTarget.objects.get(person=unheard).ended_on is None
    on_the_day = {day: set(rows_by_person(officer, on=ago(day))) for day in (21, 20, 11, 10, 0)}
    assert on_the_day == {
        21: {heard.pk, unheard.pk, living.pk},
        20: {heard.pk, living.pk},
        11: {heard.pk, living.pk},
        10: {living.pk},
        0: {living.pk},
    }


def test_an_ended_entry_leaves_the_list(officer, honglai, intervals):
    person = older(honglai, 85)
    target = visit_target_add(user=officer, person=person, group="high_age", since=ago(400))
    visit_target_end(user=officer, target=target, ended_on=TODAY, reason="迁居外地")
    assert person.pk not in rows_by_person(officer)


@pytest.mark.parametrize(
    ("age", "group", "reason"),
    [(79, "high_age", "未满 80 周岁"), (59, "living_alone", "未满 60 周岁"), (70, "tekun", "不是特困"),
     (70, "disabled", "不是中度及以上失能")],
)  # fmt: skip
def test_each_group_checks_its_rule_and_names_the_reason(officer, honglai, age, group, reason):
    person = older(honglai, age, on=TODAY)
    with pytest.raises(ValidationError) as err:
        visit_target_add(user=officer, person=person, group=group, since=TODAY)
    assert reason in err.value.message_dict["group"][0]
    assert not VisitTarget.objects.exists()


def test_an_assessed_loss_of_ability_qualifies_for_the_disabled_group(officer, honglai):
    person = older(honglai, 70, on=TODAY)
    assess(officer, person, self_care=0)  # moderate
    assert visit_target_add(user=officer, person=person, group="disabled", since=TODAY).group == "disabled"
    with pytest.raises(ValidationError) as err:
        visit_target_add(user=officer, person=person, group="disabled", since=TODAY)
    assert "已是" in err.value.message_dict["group"][0]


def test_a_visit_in_the_future_or_of_another_township_is_refused_naming_the_field(officer, shuitou, honglai):
    with pytest.raises(ValidationError) as err:
        visit(officer, older(honglai, 80), TODAY + datetime.timedelta(days=1))
    assert "visited_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        visit(officer, older(shuitou, 80), TODAY)
    assert "person" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        visit_record(user=officer, person=older(honglai, 81), visited_on=TODAY, visitor="", findings="")
    assert {"visitor", "findings"} <= set(err.value.message_dict)
    assert not Visit.objects.exists()


# --- doors -----------------------------------------------------------------------------------------


def test_the_api_records_a_visit_and_lists_the_overdue_by_the_schema(schema, officer, honglai, intervals):
    person = older(honglai, 85)
    created = api(officer).post(f"{BASE}visit-targets/", {"person": person.pk, "group": "high_age",
                                                           "since": f"{ago(200):%Y-%m-%d}"}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    check(schema, f"{BASE}visit-targets/", "post", "201", created.json())
    due = api(officer).get(f"{BASE}visit-targets/due/", {"overdue_only": "true"}).json()
    check(schema, f"{BASE}visit-targets/due/", "get", "200", due)
    assert [r["person"] for r in due["results"]] == [person.pk] and due["results"][0]["days_overdue"] == 110
    body = {"person": person.pk, "visited_on": f"{TODAY:%Y-%m-%d}", "way": "phone", "visitor": "王协理员",
            "findings": "电话问候，身体尚可"}  # fmt: skip
    visited = api(officer).post(f"{BASE}visits/", body, format="json")
    assert visited.status_code == 201, visited.json()
    check(schema, f"{BASE}visits/", "post", "201", visited.json())
    assert api(officer).get(f"{BASE}visit-targets/due/", {"overdue_only": "true"}).json()["count"] == 0
    check(schema, f"{BASE}visits/", "get", "200", api(officer).get(f"{BASE}visits/").json())


def test_the_api_sets_intervals_for_the_bureau_only(schema, staff, officer):
    assert api(officer).post(f"{BASE}visit-intervals/", {"group": "tekun", "days": 30}).status_code == 403
    response = api(staff).post(f"{BASE}visit-intervals/", {"group": "tekun", "days": 30}, format="json")
    assert response.status_code == 200
    check(schema, f"{BASE}visit-intervals/", "post", "200", response.json())
    bad = api(staff).post(f"{BASE}visit-intervals/", {"group": "tekun", "days": 3}, format="json")
    assert bad.status_code == 400 and "days" in bad.json()
    check(schema, f"{BASE}visit-intervals/", "get", "200", api(officer).get(f"{BASE}visit-intervals/").json())


def test_another_townships_visit_and_target_answer_404(officer, staff, shuitou, intervals):
    person = older(shuitou, 85)
    target = visit_target_add(user=staff, person=person, group="high_age", since=ago(10))
    record = visit(staff, person, ago(5))
    assert api(officer).get(f"{BASE}visits/{record.pk}/").status_code == 404
    assert api(officer).get(f"{BASE}visit-targets/{target.pk}/").status_code == 404
    ended = api(officer).post(f"{BASE}visit-targets/{target.pk}/end/", {"ended_on": f"{TODAY}", "reason": "x"})
    assert ended.status_code == 404
    response = api(officer).post(f"{BASE}visits/", {"person": person.pk, "visited_on": f"{TODAY}", "visitor": "a",
                                                    "findings": "b"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "person" in response.json()
    assert person.pk not in rows_by_person(officer)


def test_the_pages_list_the_overdue_record_a_visit_and_export(client_for, officer, honglai, intervals):
    person = older(honglai, 85, "陈阿婆")
    visit_target_add(user=officer, person=person, group="high_age", since=ago(120))
    client = client_for(officer)
    page = client.get("/eldercare/visits/due/", {"overdue_only": "on"}).content.decode()
    assert f'data-person="{person.pk}"' in page and "逾期 30 天" in page
    response = client.post(f"/eldercare/people/{person.pk}/visits/", {
        "visit-visited_on": f"{TODAY}", "visit-way": "home", "visit-visitor": "王协理员", "visit-findings": "上门探访",
    })  # fmt: skip
    assert response.status_code == 302
    assert (
        f'data-person="{person.pk}"'
        not in client.get("/eldercare/visits/due/", {"overdue_only": "on"}).content.decode()
    )
    refused = client.post(f"/eldercare/people/{person.pk}/visits/", {"visit-visited_on": "2999-01-01",
                                                                     "visit-way": "home"})  # fmt: skip
    assert refused.status_code == 400
    assert client.get("/eldercare/visits/").status_code == 200
    export = client.get("/eldercare/visits/due/export/")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_person_page_adds_a_group_and_shows_the_visits(client_for, officer, honglai, intervals):
    person = older(honglai, 85, "陈阿婆")
    client = client_for(officer)
    response = client.post(f"/eldercare/people/{person.pk}/visit-groups/",
                           {"target-group": "high_age", "target-since": f"{TODAY}"})  # fmt: skip
    assert response.status_code == 302
    visit(officer, person, TODAY)
    page = client.get(f"/eldercare/people/{person.pk}/").content.decode()
    assert "高龄老年人（80周岁以上）" in page and "身体尚可" in page
    other = client.get(f"/eldercare/people/{older(honglai, 70, '李阿公').pk}/").status_code
    assert other == 200


def test_an_officers_pull_of_visits_page_by_page_is_theirs_latest_first_once_each(officer, honglai, shuitou, staff):
    """The visits list reads a page by its keys (LateRowsPagination, over eldervisit_latest): an
    officer following `next` two visits at a time gets each of their township's visits once, latest
    first and, on one day, the last recorded first; another township's visits never."""
    ours, theirs = older(honglai, 80), older(shuitou, 82)
    for n, day in enumerate((5, 1, 3, 1, 9, 2)):
        visit(officer if n % 2 == 0 else staff, ours if n % 2 == 0 else theirs, ago(day))
        visit(officer, ours, ago(day))
    pulled, url = [], f"{BASE}visits/?page_size=2"
    while url:
        body = api(officer).get(url).json()
        pulled += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = Visit.objects.filter(person=ours).order_by("-visited_on", "-id").values_list("id", flat=True)
    assert pulled == list(expected) and len(pulled) == 9


def test_the_due_lists_figures_come_with_its_page_in_one_aggregation(client_for, staff, officer, honglai, shuitou,
                                                                      intervals):  # fmt: skip
    """The heading's figures (how many people, how many overdue) are read with the page's rows, as
    window counts: the list is aggregated once a page, where it was once to count and once for the
    rows (0.8 s at city scale). The figures, the pages and the API's count are still those of
    visit_due_counts and visit_due_list, for each reader and filter."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from eldercare.selectors import visit_due_counts, visit_due_entries, visit_due_queryset

    for i in range(5):  # joined 60 to 140 days ago, never visited: the last three are past 90 days
        person = older((honglai, shuitou)[i % 2], 81 + i, f"测试{i}")
        visit_target_add(user=staff, person=person, group="high_age", since=ago(60 + 20 * i))
    for user, params, figures in ((staff, {}, (5, 3)), (staff, {"overdue_only": "on"}, (3, 3)),
                                  (officer, {}, (3, 2)), (staff, {"township": shuitou.code}, (2, 1))):  # fmt: skip
        filters = {"overdue_only": True} if params.get("overdue_only") else {}
        rows = visit_due_queryset(visit_due_entries(user=user, township=params.get("township")), **filters)
        counts = visit_due_counts(rows)
        assert (counts["total"], counts["overdue"]) == figures
        with CaptureQueriesContext(connection) as captured:
            page = client_for(user).get("/eldercare/visits/due/", params).content.decode()
        assert f"{figures[0]} 人，逾期 {figures[1]} 人" in page, (user, params)
        assert sum("GROUP BY" in q["sql"] for q in captured) == 1, [q["sql"] for q in captured]
        listed = [r["person_id"] for r in visit_due_list(user=user, township=params.get("township"), **filters)]
        shown, url = [], f"{BASE}visit-targets/due/"
        for number in range(1, 4):
            answer = api(user).get(url, {**params, "overdue_only": bool(filters), "page_size": 2, "page": number})
            if not listed[(number - 1) * 2 :]:
                assert answer.status_code == 404
                break
            assert answer.json()["count"] == figures[0]
            shown += [r["person"] for r in answer.json()["results"]]
        assert shown == listed


def test_the_person_page_masks_the_names_in_visit_findings_and_follow_up_as_the_visits_list_does(
    client_for, officer, leader, staff, honglai
):
    """Found by review: the person page printed a visit's findings and follow-up raw, while the
    visits list and the API mask the person's name in them for a reader without the name right."""
    person = older(honglai, 85, "陈阿婆")
    visit_record(user=officer, person=person, visited_on=TODAY, visitor="村协理员", findings="陈阿婆身体尚可",
                 follow_up="下周再访陈阿婆")  # fmt: skip
    masked = client_for(leader).get(f"/eldercare/people/{person.pk}/").content.decode()
    assert "陈*婆身体尚可" in masked and "下周再访陈*婆" in masked
    assert "陈阿婆身体尚可" not in masked and "下周再访陈阿婆" not in masked
    listed = client_for(leader).get("/eldercare/visits/").content.decode()
    assert "陈*婆身体尚可" in listed and "陈阿婆身体尚可" not in listed
    full = client_for(staff).get(f"/eldercare/people/{person.pk}/").content.decode()
    assert "陈阿婆身体尚可" in full and "下周再访陈阿婆" in full
