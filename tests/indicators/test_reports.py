import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.models import Indicator, RecomputeRun, Snapshot


@pytest.fixture
def some_actuals(db):
    run = RecomputeRun.objects.create(year=2023, as_of=date(2023, 12, 31), state=RecomputeRun.State.DONE)
    Snapshot.objects.create(run=run, indicator_id=2, year=2023, value=Decimal("50"), computed_at="2024-01-01T00:00:00Z")
    Snapshot.objects.create(
        run=run, indicator_id=7, year=2023, value=Decimal("98.9"), computed_at="2024-01-01T00:00:00Z"
    )


def test_xlsx_report_has_every_indicator_binding_first_and_the_projects(leader, client_for, some_actuals):
    response = client_for(leader).get(reverse("indicators:report", args=[2023, "xlsx"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb["规划指标"].iter_rows(values_only=True))
    assert "中期评估" in rows[0][0]
    data = rows[3:]
    assert [r[0] for r in data] == ["2", "8", "9", "1", "3", "4", "5", "6", "7", "10", "11", "12", "13"]
    assert {r[1] for r in data} == set(Indicator.objects.values_list("name_zh", flat=True))
    by_no = {r[0]: r for r in data}
    assert (by_no["2"][10], by_no["2"][11]) == ("50", "未达标")
    assert "低于年度目标 58%，差 8" in by_no["2"][12]
    assert (by_no["7"][11], by_no["13"][11]) == ("已达标", "暂无数据")
    assert len(list(wb["重点项目"].iter_rows())) == 10


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="make test installs poppler-utils")
def test_pdf_report_text_contains_every_indicator(leader, client_for, some_actuals, tmp_path):
    response = client_for(leader).get(reverse("indicators:report", args=[2025, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    assert "终期评估" in compact
    for name in Indicator.objects.values_list("name_zh", flat=True):
        assert "".join(name.split()) in compact, name
    assert "南安市老年人养护院" in compact
