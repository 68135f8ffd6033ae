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

The inspection reads what the reader will read, not what Python's zipfile says: every part the
reader opens is inflated here from its own bytes to the end of its stream (a central directory can
declare a small size that zipfile stops at while calamine inflates all of it), part names are taken
literally and matched as the reader matches them (ASCII case ignored, nothing normalised), cell
positions are compared as numbers, and the text the reader will hold (each shared string once per
cell that refers to it, plus inline strings) is counted against IMPORT_MAX_TEXT_CHARS.
"""

import array
import hashlib
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
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
    # the text the reader materialises: a shared string counts once for every cell that uses it
    "IMPORT_MAX_TEXT_CHARS": 200_000_000,
}
#: Excel's own limit on the text of one cell.
MAX_STRING_CHARS = 32_767
#: Parts the reader reads whole besides the sheets (workbook, relationships, styles) are a few KB in
#: a real workbook; and a real workbook has tens of members, not hundreds of thousands.
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_MEMBERS = 10_000
_CHUNK = 4 * 1024 * 1024
_READ = 1024 * 1024  # compressed bytes read at a time

# The fast scan understands cells and rows written the usual way (`<c r="B7"`, `<row r="7"`, no
# namespace prefix): Excel, WPS, LibreOffice and openpyxl all write them so. Anything else in a
# chunk (a cell without its reference, a prefixed element) sends the sheet to the slower full parse.
#: A cell's tag: its column letters, its row number and how the tag ends. `/>` and `>` followed by
#: `</c>` are empty cells (the formatted cells a template carries down its text columns); a plain `>`
#: is a cell that holds something (whitespace-only text still counts here; the read decides).
_CELL_TAG = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*\s*(/>|>\s*</c>|>)')
_FILLED = b">"
_LETTERS, _NUMBER, _END = itemgetter(0), itemgetter(1), itemgetter(2)
_SHARED_CELL = re.compile(
    rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,6}"(?: (?:s|cm|vm|ph)="[^"<>]*")* t="s"(?: (?:s|cm|vm|ph)="[^"<>]*")*>'
    rb"<v>([0-9]{1,10})<"
)
_ROWS = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_INLINE_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?t(?:\s[^>]*)?>([^<]*)")
_IRREGULAR = re.compile(
    rb'<c(?:[\t\n\r/>]| (?!r="[A-Z]{1,3}[1-9][0-9]{0,6}"))|<row(?:[\t\n\r/>]| (?!r="[1-9][0-9]{0,6}"))'
)
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row)[\s/>]")
_SIMPLE_STRING = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')
_STRING_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(si|t|r|rPh)(?=[\s/>])[^>]*?(/?)>([^<]*)")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?dimension\b[^>]*\bref\s*=\s*["\']([^"\']*)["\']')
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,4})\$?([1-9][0-9]{0,7})")
_ROW_NUMBER = re.compile(r"[1-9][0-9]{0,6}")
#: What a part name or relationship target may not contain: the reader takes names literally, so
#: two spellings of one path (`a/../a/b`, `a//b`, `a/./b`, `a\b`) could be two different parts.
_UNSAFE_PATH = re.compile(r"\.\.|\./|//|\\|\x00")


def upload_limit(name: str) -> int:
    return getattr(settings, name, LIMIT_DEFAULTS[name])


def _not_xlsx() -> str:
    return _("无法读取文件：请上传 Excel（.xlsx）文件。")


def _save_again() -> str:
    return _("请用 Excel 打开后另存为 .xlsx 再上传。")


@dataclass(frozen=True)
class SheetSize:
    """How far the first sheet reaches: its last row (the header is row 1) and last column, and how
    many rows below the header hold a value in some cell (rows of empty formatted cells are no rows)."""

    rows: int
    columns: int
    filled: int = 0
    #: file_digest of the bytes inspected: sheet_rows given it reads those bytes without a second look.
    digest: str = ""

    @property
    def data_rows(self) -> int:
        """The rows the sheet reaches below the header, empty or not: what the limits measure."""
        return max(0, self.rows - 1)

    @property
    def filled_rows(self) -> int:
        """The rows a clerk filled: what the upload page counts and the background threshold uses."""
        return self.filled


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
            infos = archive.infolist()
        size = _inspect_archive(_Parts(fileobj, infos))
        return SheetSize(size.rows, size.columns, size.filled, digest=file_digest(fileobj))
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


def _malformed(part: str) -> ImportFileError:
    return ImportFileError(
        _("文件内部结构异常（部件 %(part)s 的名称或内容不规范）：%(fix)s") % {"part": part[:80], "fix": _save_again()}
    )


class _Parts:
    """The zip's members by the names the reader uses (calamine takes the first member whose name
    equals the wanted one ignoring ASCII case), each read from the upload's own bytes."""

    def __init__(self, fileobj, infos):
        self.fileobj, self.infos = fileobj, infos
        self.by_key = {}
        for info in infos:
            name = info.orig_filename  # before zipfile cuts it at a NUL
            if _UNSAFE_PATH.search(name) or name.startswith("/"):
                raise _malformed(name)
            key = name.lower()
            if key in self.by_key:  # two readers could pick different copies of one part
                raise _malformed(name)
            self.by_key[key] = info

    def get(self, path: str):
        return self.by_key.get(path.lower())

    def read(self, info) -> bytes:
        if info.file_size > MAX_PART_BYTES:
            raise ImportFileError(_not_xlsx())
        return b"".join(_member_chunks(self.fileobj, info))


def _member_chunks(fileobj, info) -> Iterator[bytes]:
    """The member's bytes as the reader's unzip gets them: from its local header, inflated to the
    end of its compressed data, in chunks of at most _CHUNK. Refused unless the stream ends exactly
    where the directory says, with exactly the declared size and CRC; so never more than the declared
    size (which the uncompressed limit bounds) is produced."""
    name = info.orig_filename
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _malformed(name)  # encrypted, or a method the check does not inflate
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise _malformed(name)
    fileobj.seek(info.header_offset)
    header = fileobj.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise _malformed(name)
    method = int.from_bytes(header[8:10], "little")
    name_length, extra_length = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    encoded = name.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
    if method != info.compress_type or fileobj.read(name_length) != encoded:
        raise _malformed(name)
    position, remaining = info.header_offset + 30 + name_length + extra_length, info.compress_size
    inflater = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
    produced, crc, pending = 0, 0, b""
    while True:
        if not pending and remaining:
            fileobj.seek(position)
            pending = fileobj.read(min(remaining, _READ))
            if not pending:
                raise _malformed(name)  # the data runs past the end of the file
            position, remaining = position + len(pending), remaining - len(pending)
        fed = bool(pending)
        if inflater is None:
            out, pending = pending, b""
        else:
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise _malformed(name)  # more inside than the directory declares
        if out:
            crc = zlib.crc32(out, crc)
            yield out
        if inflater is not None and inflater.eof:
            break
        if not out and not fed and not remaining:
            break
    ended = inflater is None or (inflater.eof and not inflater.unused_data and not pending)
    if not ended or remaining or produced != info.file_size or crc != info.CRC:
        raise _malformed(name)


def _inspect_archive(parts: _Parts) -> SheetSize:
    infos = parts.infos
    if len(infos) > MAX_MEMBERS:  # a zip comment can fake the end record
        raise ImportFileError(_not_xlsx())
    total, limit = sum(i.file_size for i in infos), upload_limit("IMPORT_MAX_UNCOMPRESSED_BYTES")
    if total > limit:
        raise ImportFileError(
            _("文件解压后共 %(size).1f MB，超过上限 %(limit).1f MB：请删除多余的工作表、图片和格式后重新上传。")
            % {"size": total / 1048576, "limit": limit / 1048576}
        )
    # The reader finds these parts by these names (calamine's xlsx reader).
    workbook, relationships = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    shared, styles = parts.get("xl/sharedStrings.xml"), parts.get("xl/styles.xml")
    if workbook is None or relationships is None:
        raise ImportFileError(_not_xlsx())
    sheets = _sheet_paths(parts, workbook, relationships)
    if not sheets:
        raise ImportFileError(_("文件中没有工作表。"))
    scanned = {info.filename for _name, info in sheets} | ({shared.filename} if shared else set())
    for info in infos:
        too_big = info.file_size > MAX_PART_BYTES and info.filename.lower().endswith((".xml", ".rels", ".vml"))
        if too_big and info.filename not in scanned:
            raise ImportFileError(
                _("文件中的 %(part)s 解压后 %(size).1f MB，远超正常的 Excel 文件：%(fix)s")
                % {"part": info.filename, "size": info.file_size / 1048576, "fix": _save_again()}
            )
    if styles is not None:
        for _chunk in _member_chunks(parts.fileobj, styles):  # its true size, not the declared one
            pass
    lengths = _shared_string_lengths(parts, shared) if shared is not None else array.array("I")
    sizes = [_sheet_size(parts, info, name, lengths) for name, info in sheets]
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


def _sheet_paths(parts: _Parts, workbook, relationships) -> list[tuple[str, zipfile.ZipInfo]]:
    """(name, member) of every sheet, in the workbook's order, resolved exactly as the reader does:
    a target starting "/xl/" loses its "/", one starting "xl/" is kept, any other gets "xl/" put
    before it; nothing is normalised, so a target that could be spelt two ways is refused."""
    targets = {
        attrs.get("Id"): attrs.get("Target", "") for _n, attrs in _elements(parts.read(relationships), {"Relationship"})
    }
    sheets = []
    for _n, attrs in _elements(parts.read(workbook), {"sheet"}):
        target = targets.get(attrs.get("r:id") or attrs.get("relationships:id"))
        if target is None:
            raise ImportFileError(_not_xlsx())
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
        if _UNSAFE_PATH.search(target) or _UNSAFE_PATH.search(path):
            raise _malformed(target)
        info = parts.get(path)
        if info is None:
            raise ImportFileError(_not_xlsx())
        sheets.append((attrs.get("name") or path, info))
    return sheets


def _shared_string_lengths(parts: _Parts, info) -> array.array:
    """The length (UTF-8 bytes, as the reader holds it) of every shared string, in the reader's
    numbering: an <si> with no <t> and no <r> is skipped by the reader and so here. Refuses more
    strings than IMPORT_MAX_CELLS and any string longer than Excel allows."""
    limit, lengths = upload_limit("IMPORT_MAX_CELLS"), array.array("I")
    state = {"inside": False, "has": False, "text": False, "phonetic": False, "length": 0}

    def too_long(length: int, text: bytes) -> None:
        # bytes overstate characters (CJK take 3, an entity several): count exactly when it matters
        if length > MAX_STRING_CHARS and len(html.unescape(text.decode("utf-8", "replace"))) > MAX_STRING_CHARS:
            raise ImportFileError(
                _(
                    "文件中有一段文字长 %(n)s 个字符，超过 Excel 单元格的上限 %(max)s 个字符：请删除或缩短过长的内容后重新上传。"
                )
                % {"n": f"{length:,}", "max": f"{MAX_STRING_CHARS:,}"}
            )

    pieces: list[bytes] = []  # the current string's text, kept only while it might be too long
    chunks = _chunks(parts.fileobj, info, prefer=b"<si")
    for chunk in chunks:
        if b"<![CDATA[" in chunk or b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk:
            raise ImportFileError(_not_xlsx())
        if not state["inside"] and b":si" not in chunk:
            simple = _SIMPLE_STRING.findall(chunk)
            if len(simple) == chunk.count(b"<si"):
                for text in simple:
                    too_long(len(text), text)
                lengths.extend(map(len, simple))
                if len(lengths) > limit:
                    break
                continue
        lead = chunk.find(b"<")
        if lead != 0 and state["text"] and not state["phonetic"]:  # text carried over from the last chunk
            head = chunk if lead < 0 else chunk[:lead]
            state["length"] += len(head)
            pieces.append(head)
        for closing, local, empty, text in _STRING_TOKEN.findall(chunk):
            if local == b"si":
                if closing or empty:
                    if state["inside"] and state["has"]:
                        too_long(state["length"], b"".join(pieces))
                        lengths.append(state["length"])
                    state.update(inside=False, has=False, text=False, phonetic=False, length=0)
                    pieces = []
                else:
                    state.update(inside=True, has=False, text=False, phonetic=False, length=0)
                    pieces = []
            elif local == b"rPh":
                state["phonetic"] = not closing and not empty
            elif local == b"r":
                state["has"] = state["has"] or not closing
            elif local == b"t":
                state["text"] = not closing and not empty
                if not closing and not state["phonetic"]:
                    state["has"] = True
                if state["text"] and not state["phonetic"]:
                    state["length"] += len(text)
                    if state["length"] <= MAX_STRING_CHARS * 8:
                        pieces.append(text)
        if state["length"] > MAX_STRING_CHARS * 8:  # far past the limit whatever the encoding
            too_long(state["length"], b"x" * (MAX_STRING_CHARS + 1))
        if len(lengths) > limit:
            break
    if len(lengths) > limit:
        count = len(lengths) + sum(chunk.count(b"<si") for chunk in chunks)  # the rest counted, not kept
        raise ImportFileError(
            _("文件中的不同文字有 %(n)s 条以上，超过上限 %(max)s 条：请删除多余的行和列后重新上传。")
            % {"n": f"{count:,}", "max": f"{limit:,}"}
        )
    return lengths


def _chunks(fileobj, info, prefer: bytes = b"<") -> Iterator[bytes]:
    """The part's text in chunks that each end before a '<' (before `prefer` where it can), so no
    tag is cut in two; a text longer than a chunk is cut inside the text, a tag that long refused."""
    tail = b""
    for piece in _member_chunks(fileobj, info):
        data = tail + piece
        if len(data) < _CHUNK:  # a small part stays whole
            tail = data
            continue
        cut = data.rfind(prefer)
        if cut <= 0 or len(data) - cut > _CHUNK:
            cut = data.rfind(b"<")
        if cut > 0:
            tail = data[cut:]
            yield data[:cut]
        elif cut < 0 or data.find(b">") > 0:  # inside a long text: the next chunk carries on in it
            tail = b""
            yield data
        elif len(data) > MAX_PART_BYTES:  # one tag of megabytes is no spreadsheet
            raise _malformed(info.orig_filename)
        else:
            tail = data
    if tail:
        yield tail


def _sheet_size(parts: _Parts, info, sheet: str, lengths) -> SheetSize:
    head = next(_member_chunks(parts.fileobj, info), b"")[:65536]
    declared = _DIMENSION.search(head)
    if declared:
        rows, columns = _reference_size(declared.group(1).decode("ascii", "replace").split(":")[-1])
        _check_size(sheet, rows, columns, declared=True)
    try:
        rows, columns, text, filled = _fast_scan(parts, info, sheet, lengths)
    except _Irregular:
        rows, columns, text, filled = _full_scan(parts, info, sheet, lengths)
    _check_size(sheet, rows, columns)
    _check_text(sheet, text)
    return SheetSize(rows, columns, sum(1 for number in filled if number > 1))


class _Irregular(Exception):
    """The sheet is written in a way the fast scan does not follow."""


def _shared_text(lengths, indexes) -> int:
    count = len(lengths)
    return sum(lengths[i] for i in map(int, indexes) if i < count)


def _check_text(sheet: str, text: int) -> None:
    limit = upload_limit("IMPORT_MAX_TEXT_CHARS")
    if text > limit:
        raise ImportFileError(
            _(
                "工作表“%(sheet)s”中的文字合计超过 %(n)s 个字符（上限 %(max)s）：同一段长文字被大量单元格重复引用，"
                "请删除多余或过长的文字，或把数据分成几个文件上传。"
            )
            % {"sheet": sheet, "n": f"{text:,}", "max": f"{limit:,}"}
        )


def _fast_scan(parts: _Parts, info, sheet: str, lengths) -> tuple[int, int, int, set[int]]:
    """Rows, columns, text and the numbers of the rows with a filled cell, by regular expressions
    over chunks cut before a row; anything not written the usual way sends the sheet to the full parse."""
    rows, columns, text, filled = 0, 0, 0, set()
    for chunk in _chunks(parts.fileobj, info, prefer=b"<row"):
        if _IRREGULAR.search(chunk) or ((b":c" in chunk or b":row" in chunk) and _PREFIXED.search(chunk)):
            raise _Irregular
        if b"<![CDATA[" in chunk:
            raise _Irregular
        cells = _CELL_TAG.findall(chunk)  # one pass for the cells' places and whether they hold anything
        if len(cells) != chunk.count(b"<c "):
            raise _Irregular
        if cells:
            letters = {column.decode() for column in set(map(_LETTERS, cells))}
            columns = max(columns, max(map(_column_number, letters)))
        numbers = list(map(_NUMBER, cells))
        places = set(numbers).union(_ROWS.findall(chunk))
        if places:
            rows = max(rows, max(map(int, places)))
        _check_size(sheet, rows, columns)  # stop at the first chunk past a limit
        # the rows with a filled cell, once the rows are known to be within the limit
        filled.update(map(int, set(compress(numbers, map(_FILLED.__eq__, map(_END, cells))))))
        shared = _SHARED_CELL.findall(chunk)
        if len(shared) != chunk.count(b' t="s"'):
            raise _Irregular
        text += _shared_text(lengths, shared) + sum(map(len, _INLINE_TEXT.findall(chunk)))
        if not chunk.startswith(b"<"):  # a long text carried over from the last chunk
            text += max(chunk.find(b"<"), 0) or len(chunk)
        _check_text(sheet, text)
    return rows, columns, text, filled


def _full_scan(parts: _Parts, info, sheet: str, lengths) -> tuple[int, int, int, set[int]]:
    """Every row and cell element, placed as the reader places them: a row or cell without a
    reference follows the previous one. The text of every string cell is counted as it goes, and
    the row of every cell with a value (<v> or an inline string) is noted."""
    at = {"row": 0, "column": 0, "type": None, "value": None, "text": False, "cell": 0}
    size = {"rows": 0, "columns": 0, "text": 0}
    filled: set[int] = set()
    count = len(lengths)

    def start(name, attrs):
        local, reference = name.rpartition(":")[2], attrs.get("r")
        if local == "row":
            if reference is not None and not _ROW_NUMBER.fullmatch(reference):
                raise ImportFileError(_not_xlsx())
            at["row"], at["column"] = (int(reference) if reference else at["row"] + 1), 0
            row = at["row"]
        elif local == "c":
            if reference:
                row, at["column"] = _reference_size(reference)
            else:
                row, at["column"] = at["row"], at["column"] + 1
            at["type"], at["cell"] = attrs.get("t"), row
        elif local in ("v", "is"):
            filled.add(at["cell"])
            if local == "v" and at["type"] == "s":
                at["value"] = []
            return
        elif local == "t":
            at["text"] = True
            return
        else:
            return
        if row > size["rows"] or at["column"] > size["columns"]:
            size["rows"], size["columns"] = max(size["rows"], row), max(size["columns"], at["column"])
            _check_size(sheet, size["rows"], size["columns"])

    def end(name):
        local = name.rpartition(":")[2]
        if local == "v" and at["value"] is not None:
            digits, at["value"] = "".join(at["value"]).strip(), None
            if digits.isdigit() and len(digits) <= 10 and int(digits) < count:
                size["text"] += lengths[int(digits)]
                _check_text(sheet, size["text"])
        elif local == "t":
            at["text"] = False
        elif local == "c":
            at["type"] = None

    def characters(data):
        if at["value"] is not None:
            if len(at["value"]) < 64:
                at["value"].append(data)
        elif at["text"]:
            size["text"] += len(data.encode())
            _check_text(sheet, size["text"])

    parser = _xml_parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, characters
    for chunk in _chunks(parts.fileobj, info):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return size["rows"], size["columns"], size["text"], filled


def _reference_size(reference: str) -> tuple[int, int]:
    """XFD1048576 → (1048576, 16384); a row number with leading zeros or too many digits is refused."""
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


#: Moves whenever the inspection itself changes, so bytes passed by an older one are looked at again.
INSPECTION_VERSION = 1


def file_digest(fileobj) -> str:
    """The SHA-256 of the whole file (from its start; the position is left at the start), under the
    inspection's version and the limits now in force: bytes passed under other limits (lowered
    since the upload, or a worker set up differently from the web) are inspected again."""
    fileobj.seek(0)
    limits = ",".join(f"{name}={upload_limit(name)}" for name in sorted(LIMIT_DEFAULTS))
    digest = hashlib.sha256(f"inspection {INSPECTION_VERSION}; {limits}\n".encode())
    while chunk := fileobj.read(_READ):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def sheet_rows(fileobj, *, inspected: str = "") -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number as Excel shows it, cell values from column A), once
    inspect_workbook has passed the file: the reader then never holds more than the limits allow.
    `inspected`: the digest inspect_workbook returned for the file at its upload; bytes with that
    digest are read without inspecting them again (the import's worker reads what the upload page
    inspected), any other bytes are inspected first."""
    if not inspected or file_digest(fileobj) != inspected:
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
