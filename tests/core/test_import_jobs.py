"""An import is a job with a lease (core.jobs, issue 10 item 9): one whose worker died is failed
with the reason on its page once the lease has expired and can be run again; a task delivered
twice imports once. Broker down and a real killed worker: tests/integration/."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.imports import import_job_run
from core.models import ImportJob, Person
from core.tasks import run_import_job
from tests.core.test_import import row, xlsx
from tests.factories import make_id_number


@pytest.fixture
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = 60


def _job(user, rows, **fields) -> ImportJob:
    job = ImportJob(kind="people", original_name="p.xlsx", created_by=user, total_rows=len(rows), **fields)
    job.file.save("p.xlsx", ContentFile(xlsx(rows).read()), save=True)
    return job


def _silent(job, *, for_: timedelta):
    """The worker started the job and went silent (killed): running, its last beat long ago."""
    then = timezone.now() - for_
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, started_at=then, heartbeat_at=then)


NAMES = ["陈志明", "林秀英", "黄国华"]


def test_a_job_whose_worker_died_is_failed_on_its_page_and_runs_again(officer, client_for, short_lease):
    numbers = [make_id_number() for _ in NAMES]
    job = _job(officer, [row(n, i) for n, i in zip(NAMES, numbers, strict=True)], township=officer.township)
    _silent(job, for_=timedelta(minutes=5))
    client = client_for(officer)
    page = client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "没有响应" in job.message and job.finished_at
    assert "没有响应" in page and "重新导入" in page
    assert not Person.objects.exists()

    client.post(reverse("core:import_job", args=[job.pk]))  # 重新导入: small file, runs here
    job.refresh_from_db()
    assert (job.state, job.created_rows) == (ImportJob.State.DONE, 3), job.message
    assert set(Person.objects.values_list("id_number", flat=True)) == set(numbers)


def test_a_job_still_beating_is_left_running(officer, client_for, short_lease):
    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    _silent(job, for_=timedelta(seconds=5))
    client_for(officer).get(reverse("core:import_job", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING


def test_only_a_failed_job_can_be_run_again(officer, client_for):
    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    import_job_run(job)
    assert job.state == ImportJob.State.DONE
    client_for(officer).post(reverse("core:import_job", args=[job.pk]))
    assert Person.objects.count() == 1


def test_a_redelivered_task_imports_once(officer):
    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.State.DONE
    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.State.DONE  # delivered again: nothing
    assert Person.objects.count() == 1


def test_a_redelivered_task_restarts_a_job_whose_worker_died_and_skips_a_live_one(officer, short_lease):
    dead = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    _silent(dead, for_=timedelta(minutes=5))
    assert run_import_job.apply(args=[dead.pk]).get() == ImportJob.State.DONE
    alive = _job(officer, [row("林秀英", make_id_number())], township=officer.township)
    _silent(alive, for_=timedelta(seconds=5))
    assert run_import_job.apply(args=[alive.pk]).get() == ImportJob.State.RUNNING
    assert Person.objects.count() == 1


def test_a_failed_job_is_not_restarted_by_a_late_delivery(officer):
    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, message="导入中断")
    assert run_import_job.apply(args=[job.pk]).get() == ImportJob.State.FAILED
    assert not Person.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_job_that_lost_its_lease_while_saving_saves_nothing(officer, monkeypatch):
    """Failed meanwhile from elsewhere (its lease expired): the rows and "done" are one
    transaction, so nothing of the late run stays, and the job keeps its failure."""
    from core import importers

    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    write_end = importers.PEOPLE_IMPORTER.write_end

    def expire_from_another_connection():
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, message="租约已过期")
        connection.close()

    def write_then_lose_the_lease(*, user, state):
        created = write_end(user=user, state=state)
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(expire_from_another_connection).result()
        return created

    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "write_end", write_then_lose_the_lease)
    result = import_job_run(job)
    assert (result.state, result.message) == (ImportJob.State.FAILED, "租约已过期")
    assert not Person.objects.exists()


def test_the_job_beats_while_it_validates(officer, settings):
    settings.JOB_LEASE_SECONDS = 600
    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    import_job_run(job)
    job.refresh_from_db()
    assert job.started_at and job.heartbeat_at and job.finished_at
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_an_old_job_queued_again_waits_from_when_it_was_queued_again(officer):
    """重新导入 on a job uploaded hours ago: its wait in the queue starts at the retry, not at the
    upload, so the next look at the page does not fail it at once as "never started"."""
    from core.imports import import_jobs_expire

    job = _job(officer, [row("陈志明", make_id_number())], township=officer.township)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, created_at=timezone.now() - timedelta(hours=3)
    )
    # Queued again as import_job_retry does (the wait starts now), not yet picked up by a worker.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, heartbeat_at=timezone.now())
    assert import_jobs_expire(ImportJob.objects.filter(pk=job.pk)) == 0
    job.refresh_from_db()
    assert job.state == ImportJob.State.QUEUED
    # ... while a job queued three hours ago and never started is failed.
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=None)
    assert import_jobs_expire(ImportJob.objects.filter(pk=job.pk)) == 1


def test_a_duplicate_saved_between_check_and_save_fails_the_job_without_the_databases_text(staff):
    """Someone registers the same record while the file is being checked: the save meets the
    database's unique constraint. Nothing is saved, and the job says what happened in words,
    without the database's message (which names the value, e.g. an ID number)."""
    from django.core.files.base import ContentFile

    from core import imports
    from core.imports import Column, Importer, import_job_run
    from core.models import Division, ImportJob
    from tests.core.test_import import xlsx

    def validate(rows, *, user, progress):
        return [r.values["code"] for r in rows], []

    def save(codes, *, user):
        Division.objects.create(code=codes[0], name="新村", level="village", kind="village", parent_id="350583113")
        Division.objects.create(code=codes[0], name="重复村", level="village", kind="village", parent_id="350583113")
        return 2

    kind = "test-duplicate"
    imports.REGISTRY[kind] = Importer(kind=kind, label="测试", columns=[Column("代码", "code", required=True)],
                                      permission="core.add_division", validate=validate, save=save)  # fmt: skip
    try:
        job = ImportJob(kind=kind, original_name="t.xlsx", created_by=staff)
        job.file.save("t.xlsx", ContentFile(xlsx([["350583113298"]], ["代码"]).read()), save=True)
        job = import_job_run(job)
    finally:
        del imports.REGISTRY[kind]
    assert job.state == ImportJob.State.FAILED
    assert "重新导入" in job.message and "350583113298" not in job.message and "Key" not in job.message
    assert not Division.objects.filter(code="350583113298").exists()


@pytest.mark.django_db(transaction=True)
def test_the_write_is_seen_moving_from_outside_while_the_import_is_still_uncommitted(officer, monkeypatch):
    """The rows written so far reach the job's row through a connection of their own, so the page
    (another connection) sees the write move while the import's transaction keeps its rows."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from core.imports import REGISTRY

    numbers = [make_id_number() for _ in NAMES]
    job = _job(officer, [row(n, i) for n, i in zip(NAMES, numbers, strict=True)], township=officer.township)
    seen = {}
    importer, write_end = REGISTRY["people"], REGISTRY["people"].write_end

    def write_then_look(*, user, state):  # the last write, after every chunk's
        created = write_end(user=user, state=state)
        outside = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with outside.cursor() as cursor:
                cursor.execute("SELECT saved_rows, state FROM core_importjob WHERE id = %s", [job.pk])
                seen["job"] = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM core_person WHERE id_number = ANY(%s)", [numbers])
                seen["people"] = cursor.fetchone()[0]
        finally:
            outside.close()
        return created

    monkeypatch.setattr(importer, "write_end", write_then_look)
    job = import_job_run(job)
    assert seen == {"job": (3, ImportJob.State.RUNNING), "people": 0}
    assert (job.state, job.saved_rows, job.saved_percent) == (ImportJob.State.DONE, 3, 100)
    assert Person.objects.filter(id_number__in=numbers).count() == 3


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_progress_cannot_be_told_still_imports(officer, monkeypatch):
    """No second connection to tell the write's progress through (the server's limit): the import
    goes on and the page learns at the end."""
    from django.db import OperationalError, connections

    def refused(alias):
        raise OperationalError("FATAL: sorry, too many clients already")

    monkeypatch.setattr(connections, "create_connection", refused)
    numbers = [make_id_number() for _ in NAMES]
    job = import_job_run(_job(officer, [row(n, i) for n, i in zip(NAMES, numbers, strict=True)],
                              township=officer.township))  # fmt: skip
    assert (job.state, job.created_rows, job.saved_rows) == (ImportJob.State.DONE, 3, 3), job.message
    assert Person.objects.filter(id_number__in=numbers).count() == 3
