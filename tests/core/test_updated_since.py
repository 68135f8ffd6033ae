"""`?updated_since=`: a REST client keeping its own copy pulls twice and receives only what changed
in between, in a stable order. Every list of the API takes it (its records carry `updated_at`, a list
added without it fails here) and the schema says so on every list."""

import datetime
from decimal import Decimal

import pytest
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.mixins import ListModelMixin
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSetMixin

from core.api.filters import UpdatedSinceFilter
from core.changes import tracks_changes
from core.models import Household, PaymentBatch, PaymentLine, Person
from core.roles import Role
from core.services.people import household_member_add
from tests.factories import HouseholdFactory, PersonFactory


def _pull(client, url, since):
    response = client.get(url, {"updated_since": since.isoformat(), "page_size": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    return body if isinstance(body, list) else body["results"]  # a list without pages (the 13 indicators)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _mark(rows) -> datetime.datetime:
    """What a client keeps after a pull: the latest `updated_at` it received."""
    return max(datetime.datetime.fromisoformat(row["updated_at"]) for row in rows)


def api_lists() -> dict[str, type]:
    """Every list endpoint the API answers ({"/api/v1/people/": PersonViewSet, ...}), from the URL
    resolver: a router's `GET … list`, or a plain list view."""
    found = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = getattr(pattern.callback, "cls", None)
            actions = getattr(pattern.callback, "actions", None) or {}
            route = "/" + (prefix + str(pattern.pattern)).replace("^", "").replace("$", "")
            if view is None or not route.startswith("/api/") or "<format>" in route:
                continue
            plain_list = not issubclass(view, ViewSetMixin) and issubclass(view, ListModelMixin)
            if actions.get("get") == "list" or plain_list:
                found[route] = view

    walk(get_resolver().url_patterns, "")
    return found


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    return getattr(getattr(getattr(view, "serializer_class", None), "Meta", None), "model", None)


def test_every_list_of_the_api_answers_updated_since(capsys):
    """A list whose records do not carry `updated_at` would silently ignore the parameter and hand a
    nightly pull everything, or, worse, nothing that changed: none may exist, tomorrow's included."""
    lists = api_lists()
    without = sorted(f"{path} ({getattr(_model_of(view), '__name__', view.__name__)})"
                     for path, view in lists.items() if _model_of(view) is None or not tracks_changes(_model_of(view)))  # fmt: skip
    unfiltered = sorted(path for path, view in lists.items() if UpdatedSinceFilter not in view.filter_backends)
    with capsys.disabled():
        print(f"\n{len(lists)} API lists checked for updated_at and ?updated_since=")
    assert len(lists) >= 48, sorted(lists)
    assert without == []
    assert unfiltered == []  # a view's own filter_backends must keep it


def test_a_second_pull_receives_only_the_people_and_households_changed_since_the_first(make_user, client_for, honglai):
    staff = make_user(Role.STAFF)
    client = client_for(staff)
    households = [HouseholdFactory(head=PersonFactory(township=honglai)) for _ in range(3)]
    first = _pull(client, "/api/v1/people/", timezone.now() - datetime.timedelta(days=1))
    assert {row["id"] for row in first} == {h.head_id for h in households}
    # Oldest change first, then by id: a client pages through and keeps the last updated_at it saw.
    assert [(row["updated_at"], row["id"]) for row in first] == sorted((row["updated_at"], row["id"]) for row in first)
    mark = max(datetime.datetime.fromisoformat(row["updated_at"]) for row in first)

    changed = Person.objects.get(pk=households[1].head_id)
    changed.address = "洪濑镇新街 8 号"
    changed.save()
    joined = PersonFactory(township=honglai)
    household_member_add(user=staff, household=households[2], person=joined, relation=Household.Relation.CHILD)

    assert {row["id"] for row in _pull(client, "/api/v1/people/", mark)} == {changed.pk, joined.pk}
    # The household whose members changed is itself a change: its record shows the members.
    assert [row["id"] for row in _pull(client, "/api/v1/households/", mark)] == [households[2].pk]


def test_a_pull_stays_inside_the_jurisdiction(make_user, client_for, honglai, shuitou):
    mine, theirs = PersonFactory(township=honglai), PersonFactory(township=shuitou)
    officer = make_user(Role.TOWNSHIP_OFFICER, honglai.code)
    rows = _pull(client_for(officer), "/api/v1/people/", timezone.now() - datetime.timedelta(days=1))
    assert [row["id"] for row in rows] == [mine.pk]
    assert theirs.pk not in {row["id"] for row in rows}


@pytest.mark.parametrize(
    "value",
    ["2026-11-28T10:00:00+08:00", "2026-11-28T10:00:00 08:00", "2026-11-28T02:00:00Z", "2026-11-28T10:00:00"],
)
def test_the_moment_is_read_with_its_offset_an_unencoded_plus_or_in_the_portals_time_zone(
    staff, client_for, honglai, value
):
    """All four name 10:00 in Nan'an: a person changed at 10:00:01 comes back, one at 09:59 does not."""
    before, after = PersonFactory(township=honglai), PersonFactory(township=honglai)
    ten = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    Person.objects.filter(pk=before.pk).update(updated_at=ten - datetime.timedelta(minutes=1))
    Person.objects.filter(pk=after.pk).update(updated_at=ten + datetime.timedelta(seconds=1))
    response = client_for(staff).get("/api/v1/people/", {"updated_since": value})
    assert [row["id"] for row in response.json()["results"]] == [after.pk]


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00", "", "9" * 200])
def test_a_value_that_is_not_a_moment_answers_400_naming_the_parameter(staff, client_for, value):
    response = client_for(staff).get("/api/v1/people/", {"updated_since": value})
    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_every_list_documents_the_parameter_and_returns_the_field(schema):
    """The parameter is offered on every list (the records say when they changed), and each record
    the list returns carries `updated_at`."""
    offered, missing_field = [], []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if "updated_since" not in names:
            continue
        offered.append(path)
        body = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in body:  # a page: {"count", "results": [...]}
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]["results"]
        item = body["items"]["$ref"].rsplit("/", 1)[1]
        if "updated_at" not in schema["components"]["schemas"][item]["properties"]:
            missing_field.append(path)
    assert sorted(set(api_lists()) - set(offered)) == []
    assert missing_field == []


# --- pulling twice: the kinds that carry updated_at since issue 16 ---------------------------------
#
# Each pulls what the test made (since a moment before it), changes one record in the ways the portal
# does (a save naming its fields, a QuerySet.update(), a job's lease, a record shown inside another)
# and pulls again from the latest updated_at received: only the change comes back.

D = datetime.date


def test_an_annual_report_reviewed_and_an_abnormal_entry_lifted_by_a_late_report_come_back(staff, honglai):
    from orgs.models import ListEntry
    from orgs.services.organisations import organisation_create
    from orgs.services.reports import annual_report_record, annual_report_review
    from tests.orgs.conftest import credit_code

    start = timezone.now()
    org = organisation_create(user=staff, name="南安市洪濑镇拉取测试协会", credit_code=credit_code("association", 901),
                              type="association", registered_on=D(2015, 3, 1), township=honglai)  # fmt: skip
    other = organisation_create(user=staff, name="南安市洪濑镇另一协会", credit_code=credit_code("association", 902),
                                type="association", registered_on=D(2015, 3, 1), township=honglai)  # fmt: skip
    reviewed = annual_report_record(user=staff, organisation=org, year=2022, submitted_on=D(2023, 4, 1))
    untouched = annual_report_record(user=staff, organisation=other, year=2022, submitted_on=D(2023, 4, 2))
    entry = ListEntry.objects.create(organisation=org, kind="abnormal", listed_on=D(2024, 6, 1),
                                     reason="未按规定报送 2023 年度工作报告", missing_report_year=2023)  # fmt: skip
    client, public = _api(staff), APIClient()
    first = _pull(client, "/api/v1/orgs/annual-reports/", start)
    assert {row["id"] for row in first} == {reviewed.pk, untouched.pk}
    listed = _pull(public, "/api/v1/orgs/abnormal-list/", start)
    assert [(row["id"], row["removed_on"]) for row in listed] == [(entry.pk, None)]
    mark, mark_list = _mark(first), _mark(listed)

    annual_report_review(user=staff, report=reviewed, result="passed")  # saves the fields it names
    late = annual_report_record(user=staff, organisation=org, year=2023, submitted_on=D(2024, 7, 15))

    assert [row["id"] for row in _pull(client, "/api/v1/orgs/annual-reports/", mark)] == [reviewed.pk, late.pk]
    # The late report lifted the entry (a QuerySet.update): the pull sees it removed, the list no longer shows it.
    lifted = _pull(public, "/api/v1/orgs/abnormal-list/", mark_list)
    assert [(row["id"], row["removed_on"]) for row in lifted] == [(entry.pk, timezone.localdate().isoformat())]
    assert public.get("/api/v1/orgs/abnormal-list/").json()["results"] == []


def test_an_eldercare_visit_recorded_and_a_visit_target_ended_come_back(officer, honglai):
    from eldercare.services.visits import visit_record, visit_target_add, visit_target_end
    from tests.eldercare.conftest import TODAY, older

    start = timezone.now()
    earlier = TODAY - datetime.timedelta(days=30)
    ending, staying = older(honglai, 85), older(honglai, 86, name="陈阿公")
    targets = [visit_target_add(user=officer, person=p, group="high_age", since=earlier) for p in (ending, staying)]
    visit_record(user=officer, person=staying, visited_on=earlier, visitor="村协理员", findings="身体尚可")
    client = _api(officer)
    base = "/api/v1/eldercare/"
    first_targets, first_visits = _pull(client, f"{base}visit-targets/", start), _pull(client, f"{base}visits/", start)
    assert len(first_targets) == 2 and len(first_visits) == 1

    visit_target_end(user=officer, target=targets[0], ended_on=TODAY, reason="迁居外地")  # saves the fields it names
    visit = visit_record(user=officer, person=staying, visited_on=TODAY, visitor="村协理员", findings="身体尚可")

    ended = _pull(client, f"{base}visit-targets/", _mark(first_targets))
    assert [(row["id"], row["ended_on"]) for row in ended] == [(targets[0].pk, TODAY.isoformat())]
    assert [row["id"] for row in _pull(client, f"{base}visits/", _mark(first_visits))] == [visit.pk]


def test_a_new_assistance_standard_comes_back_alone(staff):
    from assistance.models import Standard
    from assistance.services.standards import standard_create

    start = timezone.now()
    year = timezone.localdate().year
    standard_create(user=staff, kind=Standard.Kind.DIBAO, amount=Decimal("800"), effective_from=D(year, 1, 1))
    first = _pull(_api(staff), "/api/v1/assistance/standards/", start)
    assert len(first) == 1
    added = standard_create(user=staff, kind=Standard.Kind.DIBAO, amount=Decimal("820"), effective_from=D(year, 7, 1))
    assert [row["id"] for row in _pull(_api(staff), "/api/v1/assistance/standards/", _mark(first))] == [added.pk]


def _draft(month: datetime.date, staff) -> PaymentBatch:
    batch = PaymentBatch.objects.create(program="assistance", month=month, built_by=staff, built_at=timezone.now(),
                                        line_count=1, people_count=1, total_amount=Decimal("775.00"))  # fmt: skip
    payee = PersonFactory()
    PaymentLine.objects.create(batch=batch, source_type="assistance.case", source_id=month.month, payee=payee,
                               township=payee.township, category="dibao", members=1, amount=Decimal("775.00"))  # fmt: skip
    return batch


def test_a_payroll_batch_approved_then_one_whose_build_failed_come_back_each_in_its_pull(staff, make_user):
    from assistance.services.cases import next_month_start
    from core.payments import payment_build_failed

    start = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    current, following = _draft(this_month, staff), _draft(next_month_start(timezone.localdate()), staff)
    checker = make_user(Role.STAFF)
    url = "/api/v1/assistance/payroll-batches/"
    first = _pull(_api(staff), url, start)
    assert {row["id"] for row in first} == {current.pk, following.pk}

    assert _api(checker).post(f"{url}{following.pk}/approve/").status_code == 200
    approved = _pull(_api(staff), url, _mark(first))
    assert [(row["id"], row["state"]) for row in approved] == [(following.pk, "approved")]

    payment_build_failed(program="assistance", month=this_month, reason="测试：工作进程中断")  # a QuerySet.update()
    failed = _pull(_api(staff), url, _mark(approved))
    assert [(row["id"], row["build_state"]) for row in failed] == [(current.pk, "failed")]


def test_an_import_job_moved_by_its_lease_comes_back(staff):
    from core.imports import REGISTRY
    from core.jobs import Lease
    from core.models import ImportJob

    start = timezone.now()
    kind = next(kind for kind, importer in REGISTRY.items() if staff.has_perm(importer.permission))
    job = ImportJob.objects.create(kind=kind, file="imports/test.xlsx", original_name="test.xlsx", created_by=staff)
    first = _pull(_api(staff), "/api/v1/import-jobs/", start)
    assert [row["id"] for row in first] == [job.pk]
    lease = Lease.claim(ImportJob.objects.filter(pk=job.pk))  # QuerySet.update() throughout
    lease.finish(state=ImportJob.State.DONE, message="已导入 0 行")
    done = _pull(_api(staff), "/api/v1/import-jobs/", _mark(first))
    assert [(row["id"], row["state"]) for row in done] == [(job.pk, "done")]


def test_an_indicator_whose_yearly_values_changed_comes_back(staff):
    from indicators.models import Indicator
    from indicators.services.values import manual_value_enter

    start = timezone.now()
    assert _pull(_api(staff), "/api/v1/indicators/", start) == []
    indicator = Indicator.objects.order_by("no").first()
    manual_value_enter(user=staff, indicator=indicator, year=2024, value=Decimal("1"), source="统计公报", reason="测试")
    assert [row["no"] for row in _pull(_api(staff), "/api/v1/indicators/", start)] == [indicator.no]
