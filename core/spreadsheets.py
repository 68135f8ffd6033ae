"""Spreadsheets as they arrive, before anything trusts them: what an upload may be (its size in
bytes, the zip inside, every sheet's rows, columns and cells) and the bounded read of its first sheet.
The import engine (core.imports) reads every upload through here.

    check_upload_size(upload)                 # the bytes, before anything is parsed
    size = inspect_workbook(upload)           # ImportFileError naming what is too large and the limit
    for number, values in sheet_rows(upload): # inspects again, then reads (row 1 is the header)
        ...

Why: the reader (calamine) holds a sheet as a dense rectangle from its first to its last cell. A
1.7 KB file with cells A1 and XFD1048576 asked for 549 GB and killed the web worker, and one reaching
Z1048576 took 842 MB. So before anything is read, the zip is checked (members, uncompressed size),
then every sheet's declared dimension, then the position of every cell, by a streaming scan that
holds one chunk at a time.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook


class ImportFileError(Exception):
    """The file as a whole cannot be read: not an xlsx, too large (raised here), or not the importer's
    columns (raised by core.imports). The message tells the clerk what to change."""


def check_upload_size(upload) -> None:
    """The upload's bytes against IMPORT_MAX_BYTES, before anything is parsed."""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFileError(
            _("文件过大（%(size).1f MB），上限为 %(limit).1f MB：请拆分后分批上传。")
            % {"size": upload.size / 1048576, "limit": limit / 1048576}
        )


#: The limits, each a setting of the same name: data rows (the header row not counted), columns,
#: the rectangle the reader fills (rows × columns), and the zip's size once uncompressed.
LIMIT_DEFAULTS = {
    "IMPORT_MAX_ROWS": 100_000,
    "IMPORT_MAX_COLUMNS": 200,
    "IMPORT_MAX_CELLS": 4_000_000,  # ~130 MB in the reader at 32 bytes a cell
    "IMPORT_MAX_UNCOMPRESSED_BYTES": 256 * 1024 * 1024,
}
#: Parts the reader reads whole besides the sheets (workbook, relationships, styles) are a few KB in
#: a real workbook; and a real workbook has tens of members, not hundreds of thousands.
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_MEMBERS = 10_000
_CHUNK = 4 * 1024 * 1024

# The fast scan understands cells and rows written the usual way (`<c r="B7"`, `<row r="7"`, no
# namespace prefix): Excel, WPS, LibreOffice and openpyxl all write them so. Anything else in a
# chunk (a cell without its reference, a prefixed element) sends the sheet to the slower full parse.
_CELL_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_CELL_ROWS = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_ROWS = re.compile(rb'<row r="([0-9]{1,7})"')
_IRREGULAR = re.compile(rb'<c(?:[\t\n\r/>]| (?!r="[A-Z]{1,3}[0-9]{1,7}"))|<row(?:[\t\n\r/>]| (?!r="[0-9]{1,7}"))')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row)[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s/>]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*\bref\s*=\s*["\']([^"\']*)["\']')
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,8})")


def upload_limit(name: str) -> int:
    return getattr(settings, name, LIMIT_DEFAULTS[name])


def _not_xlsx() -> str:
    return _("无法读取文件：请上传 Excel（.xlsx）文件。")


def _save_again() -> str:
    return _("请用 Excel 打开后另存为 .xlsx 再上传。")


@dataclass(frozen=True)
class SheetSize:
    """How far the first sheet reaches: its last row (the header is row 1) and last column."""

    rows: int
    columns: int

    @property
    def data_rows(self) -> int:
        return max(0, self.rows - 1)


def inspect_workbook(fileobj) -> SheetSize:
    """Check that an upload is an xlsx the reader can hold, without reading it into memory: raises
    ImportFileError saying what is too large and the limit. Returns the first sheet's size."""
    try:
        fileobj.seek(0)
        if fileobj.read(4) != b"PK\x03\x04":
            raise ImportFileError(_not_xlsx())
        members = _zip_member_count(fileobj)
        if members > MAX_MEMBERS:
            raise ImportFileError(
                _("文件内部结构异常（%(n)s 个部件，正常的 Excel 文件只有几十个）：%(fix)s")
                % {"n": f"{members:,}", "fix": _save_again()}
            )
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            return _inspect_archive(archive)
    except ImportFileError:
        raise
    except Exception as exc:  # a broken zip or XML raises many kinds: all mean "not an xlsx we can read"
        raise ImportFileError(_not_xlsx()) from exc
    finally:
        fileobj.seek(0)


def _zip_member_count(fileobj) -> int:
    """The member count from the zip's end record, before zipfile builds an object per member."""
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(max(0, size - 65_557))
    tail = fileobj.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 12:
        raise ImportFileError(_not_xlsx())
    count = int.from_bytes(tail[at + 10 : at + 12], "little")
    return MAX_MEMBERS + 1 if count == 0xFFFF else count  # 0xFFFF: a zip64 count, far too many anyway


def _inspect_archive(archive: zipfile.ZipFile) -> SheetSize:
    infos = archive.infolist()
    names = [i.filename for i in infos]
    # Two readers could pick different copies of a part; and a zip comment can fake the end record.
    if len(set(names)) != len(names) or len(names) > MAX_MEMBERS:
        raise ImportFileError(_not_xlsx())
    by_name = {i.filename: i for i in infos}
    total, limit = sum(i.file_size for i in infos), upload_limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    if total > limit:
        raise ImportFileError(
            _("文件解压后共 %(size).1f MB，超过上限 %(limit).1f MB：请删除多余的工作表、图片和格式后重新上传。")
            % {"size": total / 1048576, "limit": limit / 1048576}
        )
    # The reader finds these parts by these names (calamine's xlsx reader).
    workbook, relationships, shared = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"
    if workbook not in by_name or relationships not in by_name:
        raise ImportFileError(_not_xlsx())
    sheets = _sheet_paths(archive, by_name, workbook, relationships)
    if not sheets:
        raise ImportFileError(_("文件中没有工作表。"))
    scanned = {path for _name, path in sheets} | {shared}
    for info in infos:
        too_big = info.file_size > MAX_PART_BYTES and info.filename.endswith((".xml", ".rels", ".vml"))
        if too_big and info.filename not in scanned:
            raise ImportFileError(
                _("文件中的 %(part)s 解压后 %(size).1f MB，远超正常的 Excel 文件：%(fix)s")
                % {"part": info.filename, "size": info.file_size / 1048576, "fix": _save_again()}
            )
    if shared in by_name:
        _check_shared_strings(archive, by_name[shared])
    sizes = [_sheet_size(archive, by_name[path], name) for name, path in sheets]
    return sizes[0]


def _elements(data: bytes, wanted: set[str]) -> list[tuple[str, dict]]:
    """(local name, attributes) of the wanted elements of a small XML part; no DTD allowed."""
    found = []
    parser = _xml_parser()

    def start(name, attrs):
        local = name.rpartition(":")[2]
        if local in wanted:
            found.append((local, attrs))

    parser.StartElementHandler = start
    parser.Parse(data, True)
    return found


def _xml_parser():
    parser = expat.ParserCreate()

    def no_dtd(*args):  # xlsx parts never have one; a DTD is how entity bombs start
        raise ImportFileError(_not_xlsx())

    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _sheet_paths(archive, by_name, workbook: str, relationships: str) -> list[tuple[str, str]]:
    """(name, part) of every sheet, in the workbook's order, resolved the way the reader does."""
    for part in (workbook, relationships):
        if by_name[part].file_size > MAX_PART_BYTES:
            raise ImportFileError(_not_xlsx())
    targets = {
        attrs.get("Id"): attrs.get("Target", "")
        for _n, attrs in _elements(archive.read(relationships), {"Relationship"})
    }
    sheets = []
    for _n, attrs in _elements(archive.read(workbook), {"sheet"}):
        target = targets.get(attrs.get("r:id") or attrs.get("relationships:id"))
        if target is None:
            raise ImportFileError(_not_xlsx())
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
        path = posixpath.normpath(path)
        if path not in by_name:
            raise ImportFileError(_not_xlsx())
        sheets.append((attrs.get("name") or path, path))
    return sheets


def _check_shared_strings(archive, info) -> None:
    limit, count = upload_limit("IMPORT_MAX_CELLS"), 0
    for chunk in _chunks(archive, info):
        count += len(_SHARED_STRING.findall(chunk))
        if count > limit:
            break
    if count > limit:
        raise ImportFileError(
            _("文件中的不同文字有 %(n)s 条以上，超过上限 %(max)s 条：请删除多余的行和列后重新上传。")
            % {"n": f"{count:,}", "max": f"{limit:,}"}
        )


def _chunks(archive, info):
    """The part's text in chunks that each end before a '<', so no tag is cut in two."""
    tail = b""
    with archive.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                tail = data
                continue
            tail = data[cut:]
            yield data[:cut]
    if tail:
        yield tail


def _sheet_size(archive, info, sheet: str) -> SheetSize:
    with archive.open(info) as fh:
        head = fh.read(65536)
    declared = _DIMENSION.search(head)
    if declared:
        rows, columns = _reference_size(declared.group(1).decode("ascii", "replace").split(":")[-1])
        _check_size(sheet, rows, columns, declared=True)
    try:
        rows, columns = _fast_scan(archive, info, sheet)
    except _Irregular:
        rows, columns = _full_scan(archive, info, sheet)
    _check_size(sheet, rows, columns)
    return SheetSize(rows, columns)


class _Irregular(Exception):
    """The sheet is written in a way the fast scan does not follow."""


def _fast_scan(archive, info, sheet: str) -> tuple[int, int]:
    rows, columns = 0, 0
    for chunk in _chunks(archive, info):
        if _IRREGULAR.search(chunk) or ((b":c" in chunk or b":row" in chunk) and _PREFIXED.search(chunk)):
            raise _Irregular
        letters = set(_CELL_COLUMNS.findall(chunk))
        if letters:
            columns = max(columns, _column_number(max(letters, key=lambda b: (len(b), b)).decode()))
        numbers = set(_CELL_ROWS.findall(chunk)) | set(_ROWS.findall(chunk))
        if numbers:
            rows = max(rows, int(max(numbers, key=lambda b: (len(b), b))))
        _check_size(sheet, rows, columns)  # stop at the first chunk past a limit
    return rows, columns


def _full_scan(archive, info, sheet: str) -> tuple[int, int]:
    """Every row and cell element, placed as the reader places them: a row or cell without a
    reference follows the previous one."""
    at = {"row": 0, "column": 0}
    size = {"rows": 0, "columns": 0}

    def start(name, attrs):
        local, reference = name.rpartition(":")[2], attrs.get("r")
        if local == "row":
            at["row"], at["column"] = (int(reference) if reference else at["row"] + 1), 0
            row = at["row"]
        elif local == "c":
            if reference:
                row, at["column"] = _reference_size(reference)
            else:
                row, at["column"] = at["row"], at["column"] + 1
        else:
            return
        if row > size["rows"] or at["column"] > size["columns"]:
            size["rows"], size["columns"] = max(size["rows"], row), max(size["columns"], at["column"])
            _check_size(sheet, size["rows"], size["columns"])

    parser = _xml_parser()
    parser.StartElementHandler = start
    for chunk in _chunks(archive, info):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return size["rows"], size["columns"]


def _reference_size(reference: str) -> tuple[int, int]:
    """XFD1048576 → (1048576, 16384)."""
    match = _REFERENCE.fullmatch(reference.strip())
    if not match:
        raise ImportFileError(_not_xlsx())
    return int(match.group(2)), _column_number(match.group(1))


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_size(sheet: str, rows: int, columns: int, *, declared: bool = False) -> None:
    max_rows, max_columns, max_cells = (
        upload_limit("IMPORT_MAX_ROWS"),
        upload_limit("IMPORT_MAX_COLUMNS"),
        upload_limit("IMPORT_MAX_CELLS"),
    )
    fix = _("请删除多余的行和列（或只把要导入的数据复制到新工作表），数据多时分成几个文件上传。")
    values = {
        "sheet": sheet, "rows": f"{rows:,}", "data": f"{max(0, rows - 1):,}", "columns": f"{columns:,}",
        "letters": _column_letters(columns), "max_rows": f"{max_rows:,}", "max_columns": f"{max_columns:,}",
        "cells": f"{rows * columns:,}", "max_cells": f"{max_cells:,}", "fix": fix,
    }  # fmt: skip
    if declared:
        if rows - 1 > max_rows or columns > max_columns:
            raise ImportFileError(
                _(
                    "工作表“%(sheet)s”声明的范围为 %(rows)s 行 × %(columns)s 列，超过导入上限"
                    "（最多 %(max_rows)s 行数据、%(max_columns)s 列）：%(fix)s"
                )
                % values
            )
        return
    if columns > max_columns:
        raise ImportFileError(
            _("工作表“%(sheet)s”有 %(columns)s 列（最右到 %(letters)s 列），超过上限：最多 %(max_columns)s 列。%(fix)s")
            % values
        )
    if rows - 1 > max_rows:
        raise ImportFileError(
            _("工作表“%(sheet)s”用到了第 %(rows)s 行（%(data)s 行数据），超过上限：最多 %(max_rows)s 行数据。%(fix)s")
            % values
        )
    if rows * columns > max_cells:
        raise ImportFileError(
            _(
                "工作表“%(sheet)s”的数据区域为 %(rows)s 行 × %(columns)s 列（%(cells)s 个单元格），"
                "超过上限 %(max_cells)s 个单元格：%(fix)s"
            )
            % values
        )


def sheet_rows(fileobj) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number as Excel shows it, cell values from column A), once
    inspect_workbook has passed the file: the reader then never holds more than the limits allow."""
    inspect_workbook(fileobj)
    try:
        fileobj.seek(0)
        sheet = CalamineWorkbook.from_filelike(fileobj).get_sheet_by_index(0)
        pad = [None] * (sheet.start or (0, 0))[1]
        lines = sheet.iter_rows()
    except Exception as exc:  # calamine raises several types for a file that is not xlsx
        raise ImportFileError(_not_xlsx()) from exc
    # The iterator starts at row 1 but at the first column in use: put the columns back in place.
    for number, values in enumerate(lines, start=1):
        yield number, pad + values
