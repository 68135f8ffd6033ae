"""The certificate of volunteer service hours (志愿服务记录证明) as a PDF. Chinese is written with
reportlab's built-in CID font STSong-Light (no font file; the bureau's readers have Chinese fonts)."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


def certificate_pdf(*, name, id_number, records, hours, start, end, issued_on) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title="志愿服务记录证明")  # fmt: skip
    story = [
        Paragraph("志愿服务记录证明", title),
        Spacer(1, 8 * mm),
        Paragraph(
            f"兹证明 {name}（身份证号 {id_number or '—'}）于 {start:%Y年%m月%d日} 至 {end:%Y年%m月%d日} 期间"
            f"参加志愿服务 {len(records)} 次，累计服务时长 {hours} 小时。具体记录如下：",
            body,
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [[Paragraph(h, cell) for h in ("服务日期", "服务内容", "组织单位", "时长（小时）")]]
    rows += [
        [Paragraph(f"{r.served_on:%Y-%m-%d}", cell), Paragraph(_escape(r.activity), cell),
         Paragraph(_escape(r.organiser), cell), Paragraph(str(r.hours), cell)]
        for r in records
    ]  # fmt: skip
    rows.append([Paragraph("合计", cell), "", "", Paragraph(str(hours), cell)])
    table = Table(rows, colWidths=[28 * mm, 75 * mm, 45 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 10 * mm), Paragraph("南安市民政局", body), Paragraph(f"{issued_on:%Y年%m月%d日}", body)]
    doc.build(story)
    return buf.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
