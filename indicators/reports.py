"""Mid-term (2023) and final (2025) evaluation reports, for any plan year, as xlsx and PDF.

The xlsx writes every text cell through core.exports.safe_cell: key projects' milestones and notes
are typed by users, and one beginning with = + - @ stays the text typed, never a formula.
The PDF uses reportlab's built-in CID font STSong-Light, so Chinese renders with no font file
shipped (readers supply the glyphs; every Chinese PDF reader has them)."""

import io
from decimal import Decimal

import openpyxl
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exports import safe_cell
from indicators.models import Indicator, KeyProject
from indicators.selectors import indicator_values, latest_approvals, prefetch_values

FONT = "STSong-Light"
PROJECT_HEADERS = ["序号", "类别", "项目", "可衡量目标", "进展状态", "进度", "里程碑", "建设内容"]
STATUS_ZH = {"met": "已达标", "on_track": "进度正常", "behind": "进度滞后", "missed": "未达标", None: "暂无数据"}
HEADERS = [
    "序号",
    "指标",
    "单位",
    "属性",
    "2020基数",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "实际值",
    "状态",
    "差距说明",
]


def title_for(year: int) -> str:
    kind = {2023: "中期评估", 2025: "终期评估"}.get(year, "年度评估")
    return f"南安市“十四五”民政事业发展规划{kind}报告（{year}年）"


def _num(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}"


def gap_sentence(row: dict, unit: str) -> str:
    actual, target = row["actual"], row["target"]
    if actual is None:
        return "暂无实际值：需录入数据或接入计算来源。"
    if target is None:
        return f"实际值 {_num(actual)}{unit}，本年度规划未设目标。"
    diff = Decimal(actual) - Decimal(target)
    if diff >= 0:
        return f"实际值 {_num(actual)}{unit}，达到年度目标 {_num(target)}{unit}（高出 {_num(diff)}）。"
    return f"实际值 {_num(actual)}{unit}，低于年度目标 {_num(target)}{unit}，差 {_num(-diff)}。"


def report_rows(year: int) -> list[list[str]]:
    """One row per indicator, binding first, then by number."""
    indicators = sorted(
        Indicator.objects.prefetch_related("targets"), key=lambda i: (i.attribute != Indicator.Attribute.BINDING, i.no)
    )
    rows = []
    approvals, prefetched = latest_approvals(), prefetch_values()
    for indicator in indicators:
        values = {
            r["year"]: r
            for r in indicator_values(indicator, approvals=approvals, prefetched=prefetched, with_detail=False)
        }
        row = values[year]
        targets = {t.year: t.value for t in indicator.targets.all()}
        rows.append(
            [
                str(indicator.no),
                indicator.name_zh,
                indicator.unit,
                indicator.get_attribute_display(),
                _num(indicator.baseline_2020),
                *[_num(targets.get(y)) for y in range(2021, 2026)],
                _num(row["actual"]),
                STATUS_ZH[row["status"]],
                gap_sentence(row, indicator.unit),
            ]
        )
    return rows


def project_rows() -> list[list[str]]:
    return [
        [
            str(p.no),
            p.category,
            p.name,
            p.measurable_target,
            p.get_status_display(),
            f"{p.progress}%",
            p.milestones,
            p.content,
        ]
        for p in KeyProject.objects.all()
    ]


def _append(ws, values) -> None:
    ws.append([safe_cell(ws, value) for value in values])


def report_xlsx(year: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "规划指标"
    _append(ws, [title_for(year)])
    ws["A1"].font = Font(bold=True, size=14)
    _append(ws, [f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}"])
    _append(ws, HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in report_rows(year):
        _append(ws, row)
    for col, width in zip("ABCDEFGHIJKLM", [6, 40, 8, 8, 9, 8, 8, 8, 8, 8, 9, 10, 50], strict=True):
        ws.column_dimensions[col].width = width
    projects = wb.create_sheet("重点项目")
    _append(projects, PROJECT_HEADERS)
    for row in project_rows():
        _append(projects, row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def report_pdf(year: int) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    heading = ParagraphStyle("h", fontName=FONT, fontSize=14, leading=18, spaceAfter=6)
    small = ParagraphStyle("s", fontName=FONT, fontSize=9, leading=12)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title_for(year),
    )
    cell = lambda text: Paragraph(str(text), body)  # noqa: E731
    table = Table(
        [[cell(h) for h in HEADERS], *[[cell(v) for v in row] for row in report_rows(year)]],
        colWidths=[8 * mm, 53 * mm, 14 * mm, 14 * mm, 14 * mm, *[12 * mm] * 5, 14 * mm, 16 * mm, 71 * mm],
        repeatRows=1,
    )
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    projects = Table(
        [
            [cell(h) for h in PROJECT_HEADERS],
            *[[cell(v) for v in row] for row in project_rows()],
        ],
        colWidths=[10 * mm, 20 * mm, 40 * mm, 40 * mm, 16 * mm, 14 * mm, 45 * mm, 82 * mm],
        repeatRows=1,
    )
    table.setStyle(grid)
    projects.setStyle(grid)
    doc.build(
        [
            Paragraph(title_for(year), heading),
            Paragraph(f"生成时间：{timezone.localtime():%Y年%m月%d日 %H:%M}。约束性指标列在前。", small),
            Spacer(1, 4 * mm),
            table,
            Spacer(1, 6 * mm),
            Paragraph("重点项目（专栏3）", heading),
            projects,
        ]
    )
    return buf.getvalue()
