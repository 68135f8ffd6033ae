"""Case documents are judged by their content, not their name, and served as downloads only
(issue 10 item 14)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance.models import CaseDocument
from assistance.services.cases import case_document_add
from tests.assistance.conftest import apply, family

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def office_zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for name in names:
            z.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def case(standards, assistant):
    return apply(assistant, family(2))


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "name,content",
    [
        ("证明.pdf", PDF),
        ("户口本.png", PNG),
        ("身份证.jpg", JPEG),
        ("身份证.JPEG", JPEG),
        ("申请书.docx", office_zip("word/document.xml")),
        ("收入表.xlsx", office_zip("xl/workbook.xml")),
        ("申请书.doc", OLE2),
        ("收入表.xls", OLE2),
    ],
)
def test_a_document_whose_content_is_its_type_is_stored(case, assistant, name, content):
    document = case_document_add(user=assistant, case=case, title="", upload=upload(name, content))
    assert document.pk and document.title == name


@pytest.mark.parametrize(
    "name,content",
    [
        ("evil.html.pdf", HTML),
        ("photo.png", PDF),
        ("photo.jpg", PNG),
        ("申请书.docx", office_zip("xl/workbook.xml")),
        ("申请书.docx", b"PK\x03\x04 not really a zip"),
        ("empty.pdf", b""),
    ],
)
def test_a_document_whose_content_is_not_its_type_is_refused_with_the_reason(case, assistant, name, content):
    with pytest.raises(ValidationError) as err:
        case_document_add(user=assistant, case=case, title="", upload=upload(name, content))
    message = err.value.message_dict["documents"][0]
    assert name in message and "内容" in message
    assert not CaseDocument.objects.exists()


def test_the_upload_page_refuses_html_named_pdf_and_says_why(case, client_for, assistant):
    response = client_for(assistant).post(
        f"/assistance/cases/{case.pk}/documents/", {"documents": upload("evil.html.pdf", HTML)}, follow=True
    )
    assert "evil.html.pdf" in response.content.decode() and "内容" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_a_document_is_served_as_an_attachment_typed_by_its_content(case, client_for, assistant, officer):
    document = case_document_add(user=assistant, case=case, title="证明", upload=upload("证明.pdf", PDF))
    response = client_for(officer).get(f"/assistance/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_document_stored_before_the_check_is_served_as_opaque_bytes(case, client_for, assistant, officer):
    """HTML saved under a .pdf name before contents were checked: downloaded, never rendered."""
    document = CaseDocument.objects.create(
        case=case, title="旧材料", file=upload("old.pdf", HTML), uploaded_by=assistant
    )
    response = client_for(officer).get(f"/assistance/documents/{document.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
