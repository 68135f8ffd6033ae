from decimal import Decimal

from assistance.importers import COLUMNS
from assistance.models import Case
from core.models import ImportJob
from tests.assistance.conftest import apply, family
from tests.core.test_import import upload_kind, xlsx

HEADERS = [c.header for c in COLUMNS]


def row(**values):
    return [values.get(h, "") for h in HEADERS]


def test_good_rows_become_active_cases_with_frozen_decisions(standards, officer, client_for,
                                                             django_capture_on_commit_callbacks):  # fmt: skip
    three, single = family(3), family(1)
    rows = [
        row(类别="最低生活保障", 申请人身份证号=three.head.id_number, 保障人数="3", **{"月发放金额（元）": "1725",
            "认定日期": "2024-03-15", "银行账号": "6228480000000000001"}),
        row(类别="特困供养", 细类="分散供养", 申请人身份证号=single.head.id_number, 保障人数="1",
            **{"月发放金额（元）": "780", "认定日期": "2023-07-01", "生活自理能力": "生活自理"}),
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        upload_kind(client_for(officer), "assistance-cases", xlsx(rows, HEADERS))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE, job.errors
    dibao = Case.objects.get(household=three)
    assert dibao.state == Case.State.ACTIVE and dibao.decision.amount == Decimal("1725.00")
    assert dibao.decision.per_member_amount == Decimal("575.00") and dibao.members.filter(covered=True).count() == 3
    tekun = Case.objects.get(household=single)
    assert tekun.decision.pay_from.isoformat() == "2023-08-01" and tekun.self_care == "able"


def test_one_bad_row_saves_nothing_and_every_bad_row_is_named(standards, officer, assistant, client_for,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    ok, busy, wrong = family(2), family(2), family(2)
    open_case = apply(assistant, busy)
    rows = [
        row(类别="最低生活保障", 申请人身份证号=ok.head.id_number, 保障人数="2", **{"月发放金额（元）": "1000", "认定日期": "2024-01-02"}),
        row(类别="最低生活保障", 申请人身份证号=busy.head.id_number, 保障人数="2", **{"月发放金额（元）": "1000", "认定日期": "2024-01-02"}),
        row(类别="低保", 申请人身份证号=wrong.head.id_number, 保障人数="3", **{"月发放金额（元）": "abc", "认定日期": "2024-13-01"}),
        row(类别="救济", 申请人身份证号="350583199001011234", 保障人数="1", **{"月发放金额（元）": "500", "认定日期": "2024-01-02"}),
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        upload_kind(client_for(officer), "assistance-cases", xlsx(rows, HEADERS))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    named = {(e["row"], e["column"]) for e in job.errors}
    assert (3, "申请人身份证号") in named  # already in an open case, in the application's own words
    assert next(e["message"] for e in job.errors if e["row"] == 3) == (
        f"{busy.head.name} 已在最低生活保障案件 #{open_case.pk}（洪濑镇，{open_case.get_state_display()}）中，"
        "同一人不能同时在两个低保或特困案件中。"
    )
    assert {(4, "保障人数"), (4, "月发放金额（元）"), (4, "认定日期")} <= named
    assert {(5, "类别"), (5, "申请人身份证号")} <= named
    assert 2 not in {r for r, _c in named}
    assert Case.objects.filter(state=Case.State.ACTIVE).count() == 0


def test_an_amount_no_one_is_paid_or_not_a_number_is_a_named_error(standards, officer, client_for,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    huge, nan = family(1), family(1)
    rows = [
        row(类别="特困供养", 细类="分散供养", 申请人身份证号=huge.head.id_number, 保障人数="1",
            **{"月发放金额（元）": "99999999.99", "认定日期": "2024-01-02", "生活自理能力": "生活自理"}),
        row(类别="特困供养", 细类="分散供养", 申请人身份证号=nan.head.id_number, 保障人数="1",
            **{"月发放金额（元）": "NaN", "认定日期": "2024-01-02", "生活自理能力": "生活自理"}),
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        upload_kind(client_for(officer), "assistance-cases", xlsx(rows, HEADERS))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert {(2, "月发放金额（元）"), (3, "月发放金额（元）")} <= {(e["row"], e["column"]) for e in job.errors}
    assert not Case.objects.exists()


def test_case_import_costs_the_same_queries_for_3_or_30_rows(standards, officer, assistant):
    """Validation and save read what every rule needs once per file (issue 14): open cases and the
    standard in force were read once a row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assistance.importers import save_cases, validate_cases
    from core.imports import Row

    apply(assistant, family(2))  # an open case elsewhere: the duplicate check has something to read

    def queries(n):
        households = [family(2) for _ in range(n)]
        keys = [c.key for c in COLUMNS]
        rows = [
            Row(i + 2, dict(zip(keys, row(类别="最低生活保障", 申请人身份证号=h.head.id_number, 保障人数="2",
                **{"月发放金额（元）": "1000", "认定日期": f"2024-{1 + i % 12:02d}-02"}), strict=True)))
            for i, h in enumerate(households)
        ]  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            prepared, errors = validate_cases(rows, user=officer, progress=lambda done: None)
            assert errors == []
            assert save_cases(prepared, user=officer) == n
        return len(ctx.captured_queries)

    assert queries(3) == queries(30)
    assert Case.objects.filter(state=Case.State.ACTIVE, decision__standard__isnull=False).count() == 33


def test_cases_written_a_chunk_at_a_time_each_get_their_own_decision_members_and_step(
    standards, officer, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    """Chunks of one row: each case is written by the import's writer with the decision whose id
    was taken for it, its living members and its transition, the snapshot saying it was imported."""
    from assistance import importers

    check = importers.check_cases
    monkeypatch.setattr(importers.CASES_IMPORTER, "check", lambda rows, *, user: check(rows, user=user, chunk=1))
    families = [family(n) for n in (1, 2, 3)]
    rows = [
        row(类别="最低生活保障", 申请人身份证号=f.head.id_number, 保障人数=str(len(f.members.all())),
            **{"月发放金额（元）": str(500 * len(f.members.all())), "认定日期": f"2024-0{i + 1}-15"})
        for i, f in enumerate(families)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        upload_kind(client_for(officer), "assistance-cases", xlsx(rows, HEADERS))
    job = ImportJob.objects.get()
    assert (job.state, job.created_rows) == (ImportJob.State.DONE, 3), job.errors
    for i, household in enumerate(families):
        case = Case.objects.get(household=household)
        size = household.members.count()
        assert case.decision.case_id == case.pk and case.decision.amount == Decimal(500 * size)
        assert case.decision.pay_from.isoformat() == f"2024-0{i + 2}-01"
        assert case.decision.snapshot["imported"] is True
        assert sorted(m["id"] for m in case.decision.snapshot["members"]) == sorted(
            household.members.values_list("person_id", flat=True)
        )
        assert case.members.count() == size and case.transitions.get().to_state == Case.State.ACTIVE


def test_the_writer_stores_its_texts_in_the_language_of_whoever_imports(standards, officer):
    """The writes run in a thread of their own: the texts they store (the case's reason, the
    decision's step) are in the importing user's language, as when the save ran in their thread."""
    from django.core.files.base import ContentFile
    from django.utils import translation

    from core.imports import import_job_run

    household = family(2)
    rows = [row(类别="最低生活保障", 申请人身份证号=household.head.id_number, 保障人数="2",
                **{"月发放金额（元）": "1000", "认定日期": "2024-01-02"})]  # fmt: skip
    job = ImportJob(kind="assistance-cases", original_name="c.xlsx", created_by=officer, total_rows=1)
    job.file.save("c.xlsx", ContentFile(xlsx(rows, HEADERS).read()), save=True)
    with translation.override("en"):
        job = import_job_run(job)
    assert job.state == ImportJob.State.DONE, job.errors
    case = Case.objects.get(household=household)
    assert case.reason == "Imported from the old ledger"
    assert case.decision.snapshot["steps"][0].startswith("Imported from the old ledger")


def test_a_moved_members_case_in_another_township_is_not_named_in_the_import(standards, officer, staff, client_for,
                                                                             django_capture_on_commit_callbacks):  # fmt: skip
    """As the application's check: a 洪濑镇 sheet's household holds someone still in a 水头镇 open case
    (they moved): the row says so without the case's number."""
    from core.models import Division
    from core.services.people import household_member_add, household_member_remove, person_update

    old = family(2, township=Division.objects.get(code="350583119"))
    first = apply(staff, old)
    moved = old.members.exclude(relation="head").get()
    person_update(user=staff, person=moved.person, township=Division.objects.get(code="350583113"))
    household_member_remove(user=staff, member=moved)
    here = family(1)
    household_member_add(user=staff, household=here, person=moved.person, relation="child")
    rows = [row(类别="最低生活保障", 申请人身份证号=here.head.id_number, 保障人数="2",
                **{"月发放金额（元）": "1000", "认定日期": "2024-01-02"})]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        upload_kind(client_for(officer), "assistance-cases", xlsx(rows, HEADERS))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert [(e["column"], e["message"]) for e in job.errors] == [
        (
            "申请人身份证号",
            f"{moved.person.name} 已在其他乡镇（街道）的低保或特困案件中，同一人不能同时在两个低保或特困案件中。",
        )
    ]
    assert str(first.pk) not in job.errors[0]["message"]
