"""A streamed import (core.imports._stream): the rows are checked a chunk at a time and each clean
chunk is written by a thread of its own on the import's connection while the next is checked. Still
one transaction: all rows or none, every bad row named, a failed write fails the whole job. The
chunks are made two rows long here so that a file of a few rows is written in several."""

import threading

import pytest
from django.core.files.base import ContentFile

from core import importers
from core.imports import REGISTRY, Column, Importer, import_job_run
from core.models import Household, HouseholdMember, ImportJob, Person
from tests.core.test_import import row, xlsx
from tests.factories import make_id_number


@pytest.fixture
def chunks_of_two(monkeypatch):
    check = importers.check_people
    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "check", lambda rows, *, user: check(rows, user=user, chunk=2))


def _run(user, rows, kind="people") -> ImportJob:
    job = ImportJob(kind=kind, original_name="p.xlsx", created_by=user, total_rows=len(rows))
    job.file.save("p.xlsx", ContentFile(xlsx(rows).read()), save=True)
    return import_job_run(job)


def test_a_file_of_many_chunks_is_written_by_the_writer_and_saved_whole(staff, chunks_of_two, monkeypatch):
    """Seven rows in four chunks: a household whose head comes first, a member whose head is in a
    later chunk (written at the end, once the head's household exists) and a member of a household
    already in the registry."""
    registered = Person.objects.create(name="郑国强", id_number=make_id_number(), township_id="350583113")
    household = Household.objects.create(head=registered, township_id="350583113")
    HouseholdMember.objects.create(household=household, person=registered, relation="head")
    head, other_head = make_id_number(), make_id_number()
    numbers = [make_id_number() for _ in range(4)]
    rows = [
        row("陈志明", head, head=head, relation="户主"),  # chunk 1
        row("林秀英", numbers[0], head=head, relation="配偶"),
        row("陈小红", numbers[1], head=other_head, relation="子女"),  # chunk 2: her head is in chunk 3
        row("陈独立", make_id_number()),  # no household
        row("黄国华", other_head, head=other_head, relation="户主"),  # chunk 3
        row("黄小明", numbers[2], head=other_head, relation="子女"),
        row("郑小丽", numbers[3], head=registered.id_number, relation="子女"),  # chunk 4
    ]
    writers = []
    write = importers.PEOPLE_IMPORTER.write

    def write_and_note(prepared, *, user, state):
        writers.append(threading.current_thread().name)
        return write(prepared, user=user, state=state)

    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "write", write_and_note)
    job = _run(staff, rows)
    assert (job.state, job.created_rows, job.saved_rows, job.processed_rows) == (ImportJob.State.DONE, 7, 7, 7)
    assert writers == ["import-writer"] * 4  # four chunks, each written by the writer's thread
    members = dict(HouseholdMember.objects.filter(person__id_number__in=[head, other_head, *numbers])
                   .values_list("person__id_number", "household__head__id_number"))  # fmt: skip
    assert members == {
        head: head, numbers[0]: head, numbers[1]: other_head, other_head: other_head, numbers[2]: other_head,
        numbers[3]: registered.id_number,
    }  # fmt: skip
    assert Person.objects.get(id_number=numbers[1]).history.get().history_user == staff


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_in_a_later_chunk_leaves_nothing_of_the_chunks_written_before_it(staff, chunks_of_two, monkeypatch):
    """Chunks 1 and 2 are written, chunk 3 holds a bad row, chunk 4 another: both are named, the
    two chunks written are rolled back, and the job no longer counts them as written."""
    from core.imports import _SaveProgress

    monkeypatch.setattr(_SaveProgress, "EVERY_SECONDS", 0)  # every chunk's progress told
    numbers = [make_id_number() for _ in range(8)]
    bad = numbers[4][:17] + ("0" if numbers[4][17] != "0" else "1")
    names = ["陈志明", "林秀英", "黄国华", "郑丽", "王芳", "李明", "张华", "吴芳"]
    rows = [row(name, number) for name, number in zip(names, [*numbers[:4], bad, *numbers[5:]], strict=True)]
    rows[7] = row("=1+1", numbers[7])  # row 9, in chunk 4: checked and named after the first bad row
    written = []
    write = importers.PEOPLE_IMPORTER.write

    def write_and_count(prepared, *, user, state):
        created = write(prepared, user=user, state=state)
        written.append(ImportJob.objects.filter(created_by=staff).values_list("saved_rows", flat=True).get())
        return created

    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "write", write_and_count)
    job = _run(staff, rows)
    assert job.state == ImportJob.State.REJECTED
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "身份证号"), (9, "姓名")]
    assert len(written) == 2  # chunks 1 and 2 were written (seen by the writer's own look at the job)
    assert not Person.objects.filter(id_number__in=numbers).exists()
    assert (job.saved_rows, job.saved_percent) == (0, 0)


def test_a_write_that_fails_fails_the_job_and_keeps_nothing(staff, chunks_of_two, monkeypatch):
    """The second chunk meets someone registered with the same ID number after the check (here by
    the writer itself, in the import's transaction): the job fails in words, and the first chunk,
    already written, is rolled back with it."""
    numbers = [make_id_number() for _ in range(4)]
    write = importers.PEOPLE_IMPORTER.write
    calls = []

    def write_after_someone(prepared, *, user, state):
        calls.append(len(prepared))
        if len(calls) == 2:
            Person.objects.create(name="抢先者", id_number=numbers[3], township_id="350583113")
        return write(prepared, user=user, state=state)

    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "write", write_after_someone)
    job = _run(staff, [row(n, i) for n, i in zip(["陈志明", "林秀英", "黄国华", "郑丽"], numbers, strict=True)])
    assert job.state == ImportJob.State.FAILED and "重新导入" in job.message
    assert numbers[3] not in job.message
    assert not Person.objects.filter(id_number__in=numbers).exists()


def test_checks_that_query_after_their_first_chunk_are_stopped(staff):
    """Once a chunk is with the writer, the connection is the writer's: a check that queries then
    raises at once instead of running inside the writer's statements."""
    from core.models import Division

    def check(rows, *, user):
        Division.objects.count()  # before the first chunk: allowed
        yield 1, [rows[0].values["code"]], []
        Division.objects.count()  # after it: refused
        yield 2, [r.values["code"] for r in rows[1:]], []

    def write(codes, *, user, state):
        return len(codes)

    kind = "test-stream-query"
    REGISTRY[kind] = Importer(kind=kind, label="测试", columns=[Column("代码", "code", required=True)],
                              permission="core.add_division", validate=None, save=None, check=check, write=write,
                              write_end=lambda *, user, state: 0)  # fmt: skip
    try:
        job = ImportJob(kind=kind, original_name="t.xlsx", created_by=staff)
        job.file.save("t.xlsx", ContentFile(xlsx([["1"], ["2"]], ["代码"]).read()), save=True)
        with pytest.raises(RuntimeError, match="queried after their first chunk"):
            import_job_run(job)
    finally:
        del REGISTRY[kind]
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_rows_checked_are_seen_from_outside_while_the_import_is_still_open(staff, chunks_of_two, monkeypatch):
    """The job's page reads through another connection: it sees the rows checked so far move while
    the import's transaction, which holds the rows written, is still open."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from core.imports import _SaveProgress

    monkeypatch.setattr(_SaveProgress, "EVERY_SECONDS", 0)  # the writer's progress never hides the checker's

    numbers = [make_id_number() for _ in range(5)]
    check, seen = importers.PEOPLE_IMPORTER.check, []

    def check_and_look(rows, *, user):
        for chunk in check(rows, user=user):
            yield chunk
            outside = connections.create_connection(DEFAULT_DB_ALIAS)  # after the engine has told this chunk
            try:
                with outside.cursor() as cursor:
                    cursor.execute(
                        "SELECT processed_rows, state FROM core_importjob WHERE created_by_id = %s", [staff.pk]
                    )
                    seen.append(cursor.fetchone())
            finally:
                outside.close()

    monkeypatch.setattr(importers.PEOPLE_IMPORTER, "check", check_and_look)
    job = _run(staff, [row(n, i) for n, i in zip(["陈志明", "林秀英", "黄国华", "郑丽", "王芳"], numbers, strict=True)])
    assert seen[0] == (2, ImportJob.State.RUNNING)  # the first chunk's rows, told at once
    assert job.state == ImportJob.State.DONE and job.processed_rows == 5
