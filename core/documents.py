"""Uploaded documents (申请材料, 委托照护协议, …): judged by their content, not their name, and
always served as downloads. One set of rules for every app that stores a document.

    message = document_refusal(upload)      # None when the file may be stored
    if message:
        errors.add("documents", message)
    ...
    FileResponse(f, content_type=document_content_type(name, f), as_attachment=True)
"""

import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word and Excel 97-2003 (Compound File Binary)
_ZIP = b"PK\x03\x04"  # Word and Excel 2007+ (Office Open XML)


@dataclass(frozen=True)
class DocumentType:
    """An accepted kind of document: the names it may have and the bytes its content starts with."""

    label: str
    mime: str
    extensions: tuple[str, ...]
    magic: bytes
    #: Office Open XML: the folder of the zip a real Word (word/) or Excel (xl/) file has
    zip_part: str = ""


DOCUMENT_TYPES = (
    DocumentType("PDF", "application/pdf", (".pdf",), b"%PDF-"),
    DocumentType("JPEG", "image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    DocumentType("PNG", "image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    DocumentType("Word 97-2003", "application/msword", (".doc",), _OLE2),
    DocumentType("Excel 97-2003", "application/vnd.ms-excel", (".xls",), _OLE2),
    DocumentType(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), _ZIP, "word/"
    ),
    DocumentType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), _ZIP, "xl/"),
)


def document_type_named(name: str) -> DocumentType | None:
    """The accepted type a file name claims (by its extension), if any."""
    name = (name or "").lower()
    return next((t for t in DOCUMENT_TYPES if name.endswith(t.extensions)), None)


def document_content_is(kind: DocumentType, fileobj) -> bool:
    """Whether the content really is `kind`: its first bytes (and, for Word and Excel 2007+, the zip's
    parts). Reads from the start and leaves the file at the start."""
    fileobj.seek(0)
    try:
        if fileobj.read(len(kind.magic)) != kind.magic:
            return False
        if not kind.zip_part:
            return True
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:  # reads the directory only, never inflates
                names = archive.namelist()
        except Exception:  # any archive zipfile cannot list (bad, encrypted, version 6.4+) is not Office
            return False
        return "[Content_Types].xml" in names and any(n.startswith(kind.zip_part) for n in names)
    finally:
        fileobj.seek(0)


def document_content_type(name: str, fileobj) -> str:
    """The MIME type a stored document is served with: its type when name and content agree, else
    opaque bytes (a file stored before contents were checked is downloaded, never rendered)."""
    kind = document_type_named(name)
    return kind.mime if kind is not None and document_content_is(kind, fileobj) else "application/octet-stream"


def document_refusal(upload) -> str | None:
    """Why `upload` may not be stored (its name's type, its size, its content), or None. A document
    is opened by the next clerk who reads the record: an HTML page named evil.html.pdf is refused."""
    kind = document_type_named(upload.name)
    if kind is None:
        return _("材料只接受 PDF、图片、Word 或 Excel 文件：%(n)s") % {"n": upload.name}
    if upload.size > MAX_DOCUMENT_BYTES:
        return _("材料不能超过 10 MB：%(n)s") % {"n": upload.name}
    if not document_content_is(kind, upload):
        return _(
            "%(n)s 的内容不是 %(t)s 文件（按文件内容判断，不看文件名）。"
            "材料只接受 PDF、JPEG 或 PNG 图片、Word 或 Excel 文件。"
        ) % {"n": upload.name, "t": kind.label}
    return None
