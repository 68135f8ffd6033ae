import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.importers import COLUMNS
from core.imports import REASON_HEADER
from core.models import AccessLog, Household, HouseholdMember, ImportJob, Person
from core.roles import Role
from tests.factories import PersonFactory, make_id_number

HEADERS = [c.header for c in COLUMNS]


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        "people.xlsx", buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def row(name, id_number, township="洪濑镇", head="", relation="", **extra):
    values = {
        "姓名": name,
        "身份证号": id_number,
        "乡镇（街道）": township,
        "户主身份证号": head,
        "与户主关系": relation,
    }
    values.update(extra)
    return [values.get(h, "") for h in HEADERS]


def upload(client, file):
    return upload_kind(client, "people", file)


def test_three_good_rows_and_two_bad_saves_nothing_and_names_both(officer, client_for):
    head, spouse, child = make_id_number(), make_id_number(male=False), make_id_number()
    bad_check = make_id_number()
    bad_check = bad_check[:-1] + ("0" if bad_check[-1] != "0" else "1")
    rows = [
        row("陈志明", head, head=head, relation="户主"),
        row("林秀英", spouse, head=head, relation="配偶"),
        row("错号码", bad_check),
        row("陈小明", child, head=head, relation="子女"),
        row("外乡人", make_id_number(), township="不存在镇"),
    ]
    response = upload(client_for(officer), xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    by_row = {(e["row"], e["column"]) for e in job.errors}
    assert (4, "身份证号") in by_row  # spreadsheet row 4: the wrong check digit
    assert (6, "乡镇（街道）") in by_row  # row 6: the unknown township
    assert {e["row"] for e in job.errors} == {4, 6}
    html = response.content.decode()
    assert "校验位错误" in html and "未知的乡镇（街道）：不存在镇" in html
    assert "2 行有错误" in html


def test_bad_rows_download_has_the_rows_and_a_reason_column(officer, client_for):
    good = make_id_number()
    client = client_for(officer)
    upload(client, xlsx([row("好人", good), row("重复", good), row("短号", "3505831")]))
    job = ImportJob.objects.get()
    response = client.get(reverse("core:import_bad_rows", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == REASON_HEADER
    assert [v[0] for v in values[1:]] == ["重复", "短号"]
    assert "与第 2 行的身份证号重复" in values[1][-1]
    assert "18位" in values[2][-1]


def test_a_rejected_files_rows_seen_or_downloaded_by_a_colleague_are_logged(officer, client_for, honglai, make_user):
    # The errors quote the uploaded cells and the download gives the rows back in full (names, ID
    # numbers): a second officer of the township reads them, and the access log says so.
    upload(client_for(officer), xlsx([row("王建国", "3505831"), row("短号", "3505832")]))
    job = ImportJob.objects.get()
    colleague = make_user(Role.TOWNSHIP_OFFICER, honglai.code)
    client = client_for(colleague)
    logged = AccessLog.objects.filter(user=colleague, object_type="core.importjob", object_ids=[job.pk])
    assert "18位" in client.get(reverse("core:import_job", args=[job.pk])).content.decode()
    assert logged.filter(action=AccessLog.Action.VIEW_FULL_ID).count() == 1
    response = client.get(reverse("core:import_bad_rows", args=[job.pk]))
    assert response.status_code == 200
    assert logged.filter(action=AccessLog.Action.EXPORT).get().detail == "导出 2 行（完整身份证号）"


def test_a_reader_without_the_full_view_gets_neither_the_messages_nor_the_rows(officer, client_for, make_user):
    # As the API's job withholds them: a leader (names and ID numbers masked) given the import right
    upload(client_for(officer), xlsx([row("王建国", "3505831")]))
    job = ImportJob.objects.get()
    leader = make_user(Role.LEADER)
    leader.user_permissions.add(Permission.objects.get(content_type__app_label="core", codename="import_data"))
    client = client_for(leader)
    page = client.get(reverse("core:import_job", args=[job.pk]))
    assert page.status_code == 200 and "1 行有错误" in page.content.decode()
    assert "18位" not in page.content.decode()
    assert reverse("core:import_bad_rows", args=[job.pk]) not in page.content.decode()
    assert client.get(reverse("core:import_bad_rows", args=[job.pk])).status_code == 404


def test_good_file_creates_people_households_and_history(officer, client_for):
    head, spouse = make_id_number(), make_id_number(male=False)
    upload(
        client_for(officer),
        xlsx([row("陈志明", head, head=head, relation="户主"), row("林秀英", spouse, head=head, relation="配偶")]),
    )
    job = ImportJob.objects.get()
    assert (job.state, job.created_rows) == (ImportJob.State.DONE, 2)
    household = Household.objects.get()
    assert household.head.id_number == head
    assert set(HouseholdMember.objects.values_list("relation", flat=True)) == {"head", "spouse"}
    spouse_person = Person.objects.get(id_number=spouse)
    assert spouse_person.sex == "F" and spouse_person.birth_date is not None
    assert spouse_person.history.get().history_user == officer
    assert AccessLog.objects.filter(action=AccessLog.Action.IMPORT).count() == 1


def test_duplicate_of_a_person_already_in_the_database_is_refused(officer, client_for, honglai):
    existing = PersonFactory(township=honglai)
    upload(client_for(officer), xlsx([row("重名", existing.id_number)]))
    job = ImportJob.objects.get()
    assert job.errors == [{"row": 2, "column": "身份证号", "message": "系统中已有此身份证号的人员。"}]


def test_officer_cannot_import_into_another_township(officer, client_for):
    upload(client_for(officer), xlsx([row("外乡", make_id_number(), township="水头镇")]))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert "本乡镇" in job.errors[0]["message"]
    assert not Person.objects.exists()


def test_file_over_the_size_limit_is_refused_before_parsing(officer, client_for, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client_for(officer), SimpleUploadedFile("big.xlsx", b"x" * 500))
    assert "文件过大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_missing_required_column_is_explained(officer, client_for):
    upload(client_for(officer), xlsx([["陈", "1"]], headers=["姓名", "电话"]))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    assert "缺少必填列" in job.message and "身份证号" in job.message


def test_template_has_the_headers_and_valid_examples(officer, client_for):
    response = client_for(officer).get(reverse("core:import_template", args=["people"]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert not [r for r in rows[1:] if any(r)]  # the examples are on the instructions sheet only
    from core.identifiers import parse_id_number

    notes = list(wb["填写说明"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(notes) if list(r[: len(HEADERS)]) == HEADERS)
    examples = [r for r in notes[at + 1 :] if any(r)]
    assert len(examples) == 2
    for example in examples:
        parse_id_number(example[1])  # the examples themselves pass the ID check


def test_large_file_goes_to_the_background_and_imports(
    officer, client_for, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2  # eager Celery in unit tests: the task runs on commit
    rows = [row("人" + chr(0x4E00 + i), make_id_number()) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(officer), xlsx(rows))
    assert "后台" in response.content.decode()
    job = ImportJob.objects.get()
    assert (job.state, job.created_rows) == (ImportJob.State.DONE, 5)


def test_village_assistant_cannot_import(assistant, client_for):
    assert client_for(assistant).get(reverse("core:import_upload", args=["people"])).status_code == 403


@pytest.mark.parametrize("value", ["350583", 3.505831988051e17])
def test_id_number_typed_as_a_number_is_caught(officer, client_for, value):
    upload(client_for(officer), xlsx([row("数字", value)]))
    assert ImportJob.objects.get().errors[0]["column"] == "身份证号"


def test_staff_imports_villages_and_bad_codes_are_named(staff, client_for):
    from core.models import Division

    headers = ["区划代码", "名称", "类型"]
    client = client_for(staff)
    bad = upload_kind(
        client,
        "villages",
        xlsx(
            [["350583113201", "东园村", ""], ["350583999201", "错乡村", ""], ["35058311320", "短码村", ""]],
            headers=headers,
        ),
    )
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED and {e["row"] for e in job.errors} == {3, 4}
    assert not Division.objects.filter(level="village").exists()
    assert bad.status_code == 200
    upload_kind(
        client, "villages", xlsx([["350583113201", "东园村", ""], ["350583113001", "新街社区", ""]], headers=headers)
    )
    villages = Division.objects.filter(level="village").order_by("code")
    assert [(v.code, v.kind, v.parent_id) for v in villages] == [
        ("350583113001", "community", "350583113"),
        ("350583113201", "village", "350583113"),
    ]


def test_township_officer_cannot_import_villages(officer, client_for):
    assert client_for(officer).get(reverse("core:import_upload", args=["villages"])).status_code == 403


def upload_kind(client, kind, file):
    return client.post(reverse("core:import_upload", args=[kind]), {"file": file}, follow=True)


def test_import_validation_costs_the_same_queries_for_20_or_200_rows(officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.importers import validate_people
    from core.imports import Row
    from core.models import Division

    Division.objects.create(code="350583113201", name="东园村", level="village", kind="village", parent_id="350583113")

    def queries(n):
        rows = [
            Row(
                i + 2,
                {
                    "name": "人" + chr(0x4E00 + i),
                    "id_number": make_id_number(),
                    "township": "洪濑镇",
                    "village": "东园村",
                },
            )
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            _prepared, errors = validate_people(rows, user=officer, progress=lambda done: None)
        assert errors == []
        return len(ctx.captured_queries)

    assert queries(20) == queries(200)  # was 5 round trips a row
