"""The funeral home's monthly ledger through core's import engine: every row through the same
service as the form, every bad row named with its reason, all rows or none."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.imports import REGISTRY, template_workbook
from core.models import ImportJob, Person
from funeral.importers import COLUMNS
from funeral.models import DeathRecord, Placement, Waiver
from tests.factories import make_id_number

HEADERS = [c.header for c in COLUMNS]
D = datetime.date


def xlsx(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(
        "ledger.xlsx", buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def row(**values):
    defaults = {"乡镇（街道）": "洪濑镇", "死亡日期": "2024-03-01", "火化日期": "2024-03-03"}
    defaults.update(values)
    return [defaults.get(h, "") for h in HEADERS]


def upload(client, file):
    return client.post("/core/imports/funeral-ledger/", {"file": file})


@pytest.fixture
def staff_client(staff, client_for, funeral_home, honglai_hall):
    return client_for(staff)


def test_the_ledger_importer_is_registered_with_a_template(db):
    importer = REGISTRY["funeral-ledger"]
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(importer)))
    assert [c.value for c in wb.active[1]] == HEADERS


def test_a_good_ledger_imports_every_row_through_the_services(staff_client, poor, honglai_person, honglai_hall):
    poor.add(honglai_person, D(2020, 1, 1))
    new_number = make_id_number(D(1938, 2, 2))
    rows = [
        row(**{"姓名": "陈志明", "身份证号": honglai_person.id_number, "安葬方式": "骨灰楼堂存放",
               "安葬（放）设施": "洪濑镇骨灰堂", "安葬（放）日期": "2024-03-05", "减免": "是", "骨灰盒价格": "260"}),
        row(**{"姓名": "黄建国", "身份证号": new_number, "死亡日期": "2024/3/2", "火化日期": "2024年3月4日",
               "安葬方式": "海葬", "安葬（放）日期": "2024-04-01"}),
        row(**{"姓名": "无名氏", "身份不明情况": "无名男性，约60岁", "火化证明编号": "NA2024030009"}),
    ]  # fmt: skip
    upload(staff_client, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE, job.errors
    assert job.created_rows == 3
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death == D(2024, 3, 1)
    assert Person.objects.get(id_number=new_number).date_of_death == D(2024, 3, 2)
    assert DeathRecord.objects.get(identity_unknown=True).unknown_description == "无名男性，约60岁"
    assert Placement.objects.count() == 2
    waiver = Waiver.objects.get()
    assert waiver.total == waiver.lines.get(item="urn").amount + 760  # the urn waived up to 200
    honglai_hall.refresh_from_db()
    assert honglai_hall.niches_used == 1


def test_bad_rows_are_each_named_with_row_number_and_reason_and_nothing_is_saved(staff_client, honglai_person):
    people = Person.objects.count()
    number = make_id_number()
    bad_check_digit = number[:-1] + ("0" if number[-1] != "0" else "1")
    rows = [
        row(**{"姓名": "陈志明", "身份证号": honglai_person.id_number}),  # row 2: fine on its own
        row(**{"姓名": "错日期", "身份证号": make_id_number(), "死亡日期": "2024-13-45"}),  # row 3
        row(**{"姓名": "外乡人", "身份证号": make_id_number(), "乡镇（街道）": "不存在镇"}),  # row 4
        row(**{"姓名": "陈志明", "身份证号": honglai_person.id_number}),  # row 5: twice in the file
        row(
            **{"姓名": "火化早", "身份证号": make_id_number(), "死亡日期": "2024-03-05", "火化日期": "2024-03-01"}
        ),  # 6
        row(**{"姓名": "乱葬", "身份证号": make_id_number(), "安葬方式": "乱埋", "减免": "也许"}),  # row 7
        row(**{"姓名": "不减", "身份证号": make_id_number(), "减免": "是", "骨灰盒价格": "200"}),  # row 8: not eligible
        row(**{"姓名": "王伟强", "身份证号": bad_check_digit}),  # row 9
    ]
    upload(staff_client, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    by_row = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append((e["column"], e["message"]))
    assert 2 not in by_row
    assert by_row[3] == [("死亡日期", "日期格式不正确：2024-13-45（应如 2025-03-01）")]
    assert by_row[4][0] == ("乡镇（街道）", "未知的乡镇（街道）：不存在镇")
    assert by_row[5] == [("身份证号", "与第 2 行的身份证号重复。")]
    assert ("火化日期", "火化日期不能早于死亡日期。") in by_row[6]
    assert {c for c, _m in by_row[7]} == {"安葬方式", "减免"}
    assert by_row[8][0][0] == "减免" and "不属于减免对象" in by_row[8][0][1]
    assert by_row[9][0][0] == "身份证号" and "校验位" in by_row[9][0][1]
    assert "全部" in job.message and "均未导入" in job.message
    # Nothing saved: no record, no new person, no death in core.
    assert DeathRecord.objects.count() == 0
    assert Person.objects.count() == people
    honglai_person.refresh_from_db()
    assert honglai_person.date_of_death is None


def test_a_township_officer_may_not_import_the_ledger(officer, client_for, funeral_home):
    response = upload(client_for(officer), xlsx([row(**{"姓名": "x", "身份证号": make_id_number()})]))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
