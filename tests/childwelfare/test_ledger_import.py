"""The children's ledger through core's import engine: all rows or none, every bad row named, and
validation set-based (a fixed number of queries whatever the number of rows)."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childwelfare.importers import COLUMNS, validate_ledger
from childwelfare.models import Child, ChildCategory
from core.imports import REGISTRY, Row, template_workbook
from core.models import ImportJob
from tests.childwelfare.conftest import TODAY, distress, person_born, years_ago
from tests.factories import HONGLAI, SHUITOU

HEADERS = [c.header for c in COLUMNS]


def xlsx(rows) -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("ledger.xlsx", buf.getvalue())


def row(person, **values):
    defaults = {"身份证号": person.id_number, "姓名": person.name, "类别": "困境儿童", "起始日期": "2024-03-01",
                "困境类型": "家庭贫困", "养育方式": "亲属抚养", "监护人": "陈大伯", "与儿童关系": "伯父"}  # fmt: skip
    defaults.update(values)
    return [defaults.get(h, "") for h in HEADERS]


def upload(client, file):
    return client.post("/core/imports/childwelfare-ledger/", {"file": file})


def test_the_template_has_the_ledgers_columns(db):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(REGISTRY["childwelfare-ledger"])))
    assert [c.value for c in wb.active[1]] == HEADERS


def test_a_good_ledger_opens_files_with_several_categories(staff, client_for):
    a = person_born(years_ago(10), name="陈小明")
    b = person_born(years_ago(6), name="林小华", male=False)
    rows = [
        row(a, **{"类别": "留守儿童", "困境类型": "", "父亲情况": "外出务工", "母亲情况": "外出务工"}),
        row(a),
        row(b, **{"类别": "孤儿", "困境类型": "", "父亲情况": "死亡", "母亲情况": "死亡", "养育方式": "机构养育",
                  "监护人": "", "与儿童关系": ""}),
    ]  # fmt: skip
    upload(client_for(staff), xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE, job.errors
    assert set(Child.objects.get(person=a).categories.values_list("code", flat=True)) == {"left_behind", "distress"}
    assert Child.objects.get(person=b).care_setting == "institution"
    # As child_file_open: the guardian the ledger names is the file's first guardian record.
    assert list(Child.objects.get(person=a).carers.values_list("role", "name", "relation")) == [
        ("guardian", "陈大伯", "伯父")
    ]
    assert not Child.objects.get(person=b).carers.exists()


def test_bad_rows_are_each_named_and_nothing_is_saved(staff, client_for):
    a = person_born(years_ago(10), name="陈小明")
    adult = person_born(years_ago(19), name="黄大人")
    old = person_born(years_ago(17), name="吴十七")
    rows = [
        row(a),  # 2: fine on its own
        row(a, **{"起始日期": "2024-02-30"}),  # 3
        row(adult),  # 4: 18 or more
        row(
            old,
            **{
                "类别": "留守儿童",
                "困境类型": "",
                "父亲情况": "外出务工",
                "母亲情况": "外出务工",
                "起始日期": years_ago(0, 3).isoformat(),
            },
        ),  # 5: not under 16 on the start date
        row(a, **{"姓名": "陈小红"}),  # 6: the name does not match
        row(a, **{"类别": "孤儿", "困境类型": "", "父亲情况": "死亡", "母亲情况": "在家履行抚养义务"}),  # 7
        row(a, **{"起始日期": "2024-06-01"}),  # 8: overlaps row 2
    ]
    upload(client_for(staff), xlsx(rows))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.REJECTED
    by_row = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append(e["column"])
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert by_row[3] == ["起始日期"] and "身份证号" in by_row[4] and "类别" in by_row[5]
    assert by_row[6] == ["姓名"] and "父亲情况" in by_row[7] and "起始日期" in by_row[8]
    assert not Child.objects.exists() and not ChildCategory.objects.exists()


def test_a_file_kept_by_another_township_is_neither_changed_nor_shown(staff, officer, open_file):
    """A child whose file 水头镇 keeps has since moved to 洪濑镇: a 洪濑镇 officer's ledger row for
    them is refused as category_add refuses it, and says nothing of the file (its categories'
    dates, whether it was closed); the file gains no category."""
    from core.models import Division
    from core.services.people import person_update

    child = open_file(10, township=SHUITOU, categories=[distress(TODAY - datetime.timedelta(days=20))])
    person_update(user=staff, person=child.person, township=Division.objects.get(code=HONGLAI))
    rows = [Row(2, dict(zip([c.key for c in COLUMNS], row(child.person, **{"起始日期": TODAY.isoformat()}),
                            strict=True)))]  # fmt: skip
    prepared, errors = validate_ledger(rows, user=officer, progress=lambda n: None)
    assert prepared == []
    assert [(e.column, e.message) for e in errors] == [("身份证号", "您只能登记本乡镇（街道）的儿童。")]
    assert child.categories.count() == 1


def test_validation_reads_a_fixed_number_of_queries_whatever_the_rows(staff):
    def run(n):
        people = [person_born(years_ago(8), name="陈小明") for _ in range(n)]
        rows = [Row(i + 2, dict(zip([c.key for c in COLUMNS], row(p), strict=True))) for i, p in enumerate(people)]
        with CaptureQueriesContext(connection) as ctx:
            _prepared, errors = validate_ledger(rows, user=staff, progress=lambda n: None)
        assert errors == []
        return len(ctx.captured_queries)

    assert run(3) == run(30)
