"""Import jobs on the API (issue 10, item 9: every failure is visible on the job's page and API):
read-only, scoped to the reader's jurisdiction like every core resource, a job whose worker died
reported failed when it is read, and error messages (which quote the uploaded cells) withheld from
a reader who may not see names and ID numbers in full."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AccessLog, ImportJob
from core.roles import Role
from tests.api_schema import check
from tests.factories import HONGLAI, SHUITOU

JOBS = "/api/v1/import-jobs/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def job(user, township=None, **fields) -> ImportJob:
    fields.setdefault("kind", "people")
    return ImportJob.objects.create(
        original_name="人员.xlsx", created_by=user, township_id=township, file="imports/p.xlsx", **fields
    )


@pytest.fixture
def shuitou_officer(make_user):
    return make_user(Role.TOWNSHIP_OFFICER, SHUITOU)


def _silent_since(job_, minutes):
    then = timezone.now() - timedelta(minutes=minutes)
    ImportJob.objects.filter(pk=job_.pk).update(state=ImportJob.State.RUNNING, started_at=then, heartbeat_at=then)


def test_staff_list_every_townships_jobs_with_their_progress(staff, officer, shuitou_officer):
    honglai = job(officer, HONGLAI, state=ImportJob.State.RUNNING, total_rows=200, processed_rows=50)
    shuitou = job(shuitou_officer, SHUITOU, state=ImportJob.State.DONE, total_rows=3, processed_rows=3, created_rows=3)
    response = api(staff).get(JOBS)
    assert response.status_code == 200
    by_id = {j["id"]: j for j in response.json()["results"]}
    assert set(by_id) == {honglai.pk, shuitou.pk}
    assert (by_id[honglai.pk]["progress_percent"], by_id[honglai.pk]["township"]) == (25, HONGLAI)
    assert (by_id[shuitou.pk]["state"], by_id[shuitou.pk]["created_rows"]) == ("done", 3)
    assert by_id[shuitou.pk]["kind_label"] == "人员与家庭"


def test_an_officer_does_not_see_another_townships_job(officer, shuitou_officer):
    mine, theirs = job(officer, HONGLAI), job(shuitou_officer, SHUITOU)
    client = api(officer)
    assert [j["id"] for j in client.get(JOBS).json()["results"]] == [mine.pk]
    assert client.get(f"{JOBS}{theirs.pk}/").status_code == 404
    assert client.get(f"{JOBS}{mine.pk}/").status_code == 200


def test_an_officer_does_not_see_a_job_of_an_import_they_may_not_run(officer, staff):
    """Villages are imported by the bureau (core.add_division): the page answers an officer 403."""
    villages = job(staff, HONGLAI, kind="villages")
    client = api(officer)
    assert client.get(JOBS).json()["results"] == []
    assert client.get(f"{JOBS}{villages.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["leader", "api_client_user"])
def test_roles_without_the_right_to_read_import_jobs_are_refused(request, role, staff):
    done = job(staff, HONGLAI, state=ImportJob.State.DONE)
    client = api(request.getfixturevalue(role))
    assert client.get(JOBS).status_code == 403
    assert client.get(f"{JOBS}{done.pk}/").status_code == 403


def test_the_api_is_read_only_even_for_the_administrator(admin_user, officer):
    mine = job(officer, HONGLAI)
    client = api(admin_user)
    assert client.post(JOBS, {"kind": "people"}, format="json").status_code == 405
    assert client.patch(f"{JOBS}{mine.pk}/", {"state": "done"}, format="json").status_code == 405
    assert client.delete(f"{JOBS}{mine.pk}/").status_code == 405
    assert ImportJob.objects.get().state == ImportJob.State.QUEUED


def test_a_failed_job_shows_its_reason(officer):
    failed = job(
        officer, HONGLAI, state=ImportJob.State.FAILED, finished_at=timezone.now(),
        message="任务队列不可用，未能转入后台导入，没有导入任何数据（ConnectionError）。",
    )  # fmt: skip
    body = api(officer).get(f"{JOBS}{failed.pk}/").json()
    assert body["state"] == "failed" and body["state_label"] == "失败"
    assert body["message"].startswith("任务队列不可用") and body["finished_at"]


def test_a_running_job_past_its_lease_is_reported_failed_when_read(officer, settings):
    settings.JOB_LEASE_SECONDS = 60
    lost, alive = job(officer, HONGLAI), job(officer, HONGLAI)
    _silent_since(lost, minutes=5)
    _silent_since(alive, minutes=0)
    client = api(officer)
    body = client.get(f"{JOBS}{lost.pk}/").json()
    assert body["state"] == "failed" and "没有响应" in body["message"] and body["finished_at"]
    assert client.get(f"{JOBS}{alive.pk}/").json()["state"] == "running"

    again = job(officer, HONGLAI)
    _silent_since(again, minutes=5)
    states = {j["id"]: j["state"] for j in client.get(JOBS).json()["results"]}
    assert states[again.pk] == "failed" and states[alive.pk] == "running"
    again.refresh_from_db()
    assert again.state == ImportJob.State.FAILED  # recorded, as the job page records it


def test_the_list_filters_by_state_and_kind(staff, officer):
    done = job(officer, HONGLAI, state=ImportJob.State.DONE)
    rejected = job(officer, HONGLAI, state=ImportJob.State.REJECTED)
    villages = job(staff, HONGLAI, kind="villages", state=ImportJob.State.DONE)
    client = api(staff)
    assert {j["id"] for j in client.get(JOBS, {"state": "done"}).json()["results"]} == {done.pk, villages.pk}
    assert {j["id"] for j in client.get(JOBS, {"kind": "people"}).json()["results"]} == {done.pk, rejected.pk}
    assert [j["id"] for j in client.get(JOBS, {"kind": "villages", "state": "done"}).json()["results"]] == [villages.pk]
    assert client.get(JOBS, {"state": "nonsense"}).status_code == 400


ERRORS = [
    {
        "row": 2,
        "column": "身份证号",
        "message": "找不到户主 350583198805120017：户主须在本文件中（关系为户主）或已在系统中建户。",
    },
    {"row": 3, "column": "乡镇（街道）", "message": "未知的乡镇（街道）：陈志明"},
]


def test_a_rejected_job_lists_each_rows_error_on_its_detail_and_counts_them_in_the_list(officer):
    rejected = job(officer, HONGLAI, state=ImportJob.State.REJECTED, errors=ERRORS, message="2 行有错误")
    client = api(officer)
    detail = client.get(f"{JOBS}{rejected.pk}/").json()
    assert detail["errors"] == ERRORS and detail["error_count"] == 2
    listed = client.get(JOBS).json()["results"][0]
    assert listed["error_count"] == 2 and "errors" not in listed
    # The messages quote ID numbers in full: a full view, written to the access log.
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW_FULL_ID, object_type="core.importjob").exists()


def test_error_messages_are_withheld_from_a_reader_who_may_not_see_names_and_id_numbers(make_user, officer):
    reader = make_user(Role.LEADER)  # city-level, no full view of personal data
    reader.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="core", codename__in=["view_importjob", "import_data"])
    )
    rejected = job(officer, HONGLAI, state=ImportJob.State.REJECTED, errors=ERRORS, message="2 行有错误")
    body = api(reader).get(f"{JOBS}{rejected.pk}/").json()
    assert [(e["row"], e["column"], e["message"]) for e in body["errors"]] == [
        (2, "身份证号", None),
        (3, "乡镇（街道）", None),
    ]
    assert "350583198805120017" not in str(body) and "陈志明" not in str(body)


def test_a_failure_reason_quoting_an_id_number_is_masked_for_such_a_reader(make_user, officer):
    reader = make_user(Role.LEADER)
    reader.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="core", codename__in=["view_importjob", "import_data"])
    )
    failed = job(
        officer, HONGLAI, state=ImportJob.State.FAILED,
        message="导入失败，没有导入任何数据：Key (id_number)=(350583198805120017) already exists.",
    )  # fmt: skip
    assert "350583********0017" in api(reader).get(f"{JOBS}{failed.pk}/").json()["message"]
    assert "350583198805120017" in api(officer).get(f"{JOBS}{failed.pk}/").json()["message"]


def test_nullable_fields_are_declared_nullable(db, schema):
    properties = schema["components"]["schemas"]["ImportJob"]["properties"]
    for name in ("township", "started_at", "heartbeat_at", "finished_at"):
        assert properties[name].get("nullable") is True, name
    for name in ("id", "state", "message", "progress_percent", "error_count", "created_at"):
        assert not properties[name].get("nullable"), name


def test_every_import_job_response_matches_its_schema(schema, staff, officer, shuitou_officer):
    job(shuitou_officer, SHUITOU)  # queued: never started, no times yet
    job(staff, None, kind="villages", state=ImportJob.State.DONE, finished_at=timezone.now())  # city-level: no township
    rejected = job(officer, HONGLAI, state=ImportJob.State.REJECTED, errors=ERRORS, finished_at=timezone.now())
    client = api(staff)
    listing = client.get(JOBS).json()
    assert len(listing["results"]) == 3
    check(schema, JOBS, "get", "200", listing)
    for item in listing["results"]:
        check(schema, f"{JOBS}{{id}}/", "get", "200", client.get(f"{JOBS}{item['id']}/").json())
    check(schema, f"{JOBS}{{id}}/", "get", "200", client.get(f"{JOBS}{rejected.pk}/").json())
