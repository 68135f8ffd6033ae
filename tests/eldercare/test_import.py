"""The institution roster import: all or nothing, every bad row named, a fixed number of queries
for validation whatever the number of rows."""

import io

import openpyxl
import pytest

from core.imports import REGISTRY, read_rows
from eldercare.models import BedCount, Institution
from tests.eldercare.conftest import credit_code

HEADERS = [c.header for c in REGISTRY["eldercare-institutions"].columns]


def _rows(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return read_rows(out, REGISTRY["eldercare-institutions"])


def good(n, township="洪濑镇"):
    return [f"导入养老院{n}", credit_code(500 + n), "民办", township, "", "2019-05-01", "", "运营中", "3", "2023-06-30",
            "是", "是", "是", "否", "100", "60", "2024-12-31"]  # fmt: skip


def _validate(rows, user):
    importer = REGISTRY["eldercare-institutions"]
    return importer.validate(_rows(rows), user=user, progress=lambda n: None)


def test_a_good_file_imports_institutions_with_their_bed_counts(staff):
    importer = REGISTRY["eldercare-institutions"]
    prepared, errors = _validate([good(1), good(2, "350583119")], staff)
    assert errors == []
    assert importer.save(prepared, user=staff) == 2
    home = Institution.objects.get(name="导入养老院1")
    assert (home.star_grade, home.day_care, home.home_visits) == (3, True, False)
    assert BedCount.objects.get(institution=home).nursing_beds == 60
    assert home.history.count() == 1


def test_every_bad_row_is_named_and_nothing_is_saved(staff, make_institution):
    existing = make_institution(name="已有养老院")
    bad_code = good(3)
    bad_code[1] = "52350583MJ00000003"
    too_many = good(4)
    too_many[15] = "120"  # nursing beds more than 100
    duplicate = good(5)
    duplicate[0] = existing.name
    unknown = good(6, "火星镇")
    _prepared, errors = _validate([good(1), bad_code, too_many, duplicate, unknown, good(1)], staff)
    named = {(e.row, e.column) for e in errors}
    assert (3, "统一社会信用代码") in named
    assert (4, "护理型床位") in named
    assert (5, "机构名称") in named
    assert (6, "乡镇（街道）") in named
    assert (7, "机构名称") in named and (7, "统一社会信用代码") in named  # the same as row 2
    assert 2 not in {e.row for e in errors}
    assert Institution.objects.count() == 1


def test_validation_takes_a_fixed_number_of_queries(staff, django_assert_max_num_queries):
    rows = _rows([good(n) for n in range(1, 60)])
    with django_assert_max_num_queries(3):
        prepared, errors = REGISTRY["eldercare-institutions"].validate(rows, user=staff, progress=lambda n: None)
    assert errors == [] and len(prepared) == 59


def test_the_templates_example_passes_the_importers_own_checks(staff):
    importer = REGISTRY["eldercare-institutions"]
    _prepared, errors = _validate(importer.example, staff)
    assert errors == []


@pytest.mark.parametrize("role", ["officer", "leader"])
def test_only_the_bureau_may_import_institutions(request, role):
    user = request.getfixturevalue(role)
    assert not user.has_perm(REGISTRY["eldercare-institutions"].permission)
