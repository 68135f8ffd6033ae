"""The quick scan of a sheet (regular expressions over chunks) and the full parse (expat, every
element placed as the reader places it) must agree on what they measure: the last row, the last
column, the text the reader will hold and the rows with a filled cell. The quick scan is what guards
every upload written the usual way; the full parse is the reference. Random sheets in the shapes
Excel, WPS, LibreOffice and openpyxl write (and some no tool writes: cells out of their row, rows
with no cells, empty and whitespace cells, shared and inline strings, wide columns), with a fixed
seed each, so a failure names a sheet that can be made again."""

import io
import random
import zipfile

import pytest

from core import spreadsheets
from core.spreadsheets import _column_letters, _fast_scan, _full_scan, _Parts, _shared_string_lengths

SHARED = ["姓名", "户主", "洪濑镇", "农村", "子女", "a", "350583113", "x" * 40]


def random_cell(rng: random.Random, reference: str) -> str:
    style = f' s="{rng.randint(0, 9)}"' if rng.random() < 0.3 else ""
    shape = rng.randrange(9)
    if shape == 0:
        return f'<c r="{reference}"{style}/>'  # a formatted, empty cell
    if shape == 1:
        return f'<c r="{reference}"{style}></c>'
    if shape == 2:
        return f'<c r="{reference}"{style}>{" " * rng.randint(1, 3)}</c>'
    if shape == 3:
        return f'<c r="{reference}"{style} t="s"><v>{rng.randrange(len(SHARED))}</v></c>'
    if shape == 4:
        return f'<c r="{reference}" t="s"{style}><v>{rng.randrange(len(SHARED))}</v></c>'
    if shape == 5:
        text = "".join(rng.choice("南安市民政局0123") for _ in range(rng.randint(0, 30)))
        return f'<c r="{reference}"{style} t="inlineStr"><is><t>{text}</t></is></c>'
    if shape == 6:
        return f'<c r="{reference}"{style} t="n"><v>{rng.randint(0, 10**9)}</v></c>'
    if shape == 7:
        return f'<c r="{reference}"{style}><v>{rng.random()}</v></c>'
    return f'<c r="{reference}"{style} t="str"><v>{rng.choice(["", "x", "12"])}</v></c>'


def random_sheet(seed: int) -> str:
    rng = random.Random(seed)
    rows = []
    number = 0
    for _ in range(rng.randint(0, 60)):
        number += rng.choice([1, 1, 1, 2, 7, 500])
        cells = []
        for column in sorted(rng.sample(range(1, 60), rng.randint(0, 12))):
            row = number if rng.random() < 0.95 else rng.randint(1, 3000)  # now and then a cell out of its row
            cells.append(random_cell(rng, f"{_column_letters(column)}{row}"))
        spans = ' spans="1:9"' if rng.random() < 0.5 else ""
        rows.append(f'<row r="{number}"{spans}>{"".join(cells)}</row>')
    return "".join(rows)


def parts_of(sheet_data: str) -> tuple[_Parts, zipfile.ZipInfo, object]:
    shared = "".join(f"<si><t>{text}</t></si>" for text in SHARED)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="x" count="{len(SHARED)}">{shared}</sst>')
    buf.seek(0)
    parts = _Parts(buf, zipfile.ZipFile(buf).infolist())
    lengths = _shared_string_lengths(parts, parts.get("xl/sharedStrings.xml"))
    return parts, parts.get("xl/worksheets/sheet1.xml"), lengths


@pytest.mark.parametrize("chunk", [4 * 1024 * 1024, 700])  # one chunk, and the sheet cut into many
@pytest.mark.parametrize("seed", range(150))
def test_the_quick_scan_measures_a_sheet_as_the_full_parse_does(seed, chunk, monkeypatch):
    monkeypatch.setattr(spreadsheets, "_CHUNK", chunk)
    parts, sheet, lengths = parts_of(random_sheet(seed))
    assert _fast_scan(parts, sheet, "Sheet1", lengths) == _full_scan(parts, sheet, "Sheet1", lengths)


def test_the_quick_scan_counts_a_filled_cell_after_an_empty_one_in_the_same_row():
    parts, sheet, lengths = parts_of(
        '<row r="1"><c r="A1"/><c r="B1"></c></row>'  # empty cells only: not filled
        '<row r="2"><c r="A2"></c><c r="B2"><v>1</v></c></row>'
        '<row r="3"><c r="A3"> </c></row>'
        '<row r="4"><c r="AB4" t="inlineStr"><is><t>南安</t></is></c></row>'
    )
    rows, columns, text, filled = _fast_scan(parts, sheet, "Sheet1", lengths)
    assert (rows, columns, text, filled) == (4, 28, len("南安".encode()), {2, 4})
