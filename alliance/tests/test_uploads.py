import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alliance.uploads import MAX_BYTES, UploadRefused, check_agreement_file

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, "PNG")
    return out.getvalue()


def ooxml(folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<doc/>")
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("协议.pdf", PDF, "application/pdf"),
        ("签约现场.PNG", png(), "image/png"),
        (
            "协议.docx",
            ooxml("word/"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "清单.xlsx",
            ooxml("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("旧协议.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/msword"),
    ],
)
def test_accepted_files(name, content, content_type):
    checked = check_agreement_file(upload=upload(name, content))
    assert checked.content == content
    assert checked.original_name == name
    assert checked.content_type == content_type
    assert checked.stored_name.endswith("." + name.rsplit(".", 1)[1].lower())
    assert name.rsplit(".", 1)[0] not in checked.stored_name


@pytest.mark.parametrize(
    "name,content",
    [
        ("协议.pdf", b"MZ\x90\x00 this is a program"),  # an executable renamed
        ("协议.pdf", b"<html><script>alert(1)</script></html>"),
        ("协议.docx", PDF),  # the name says Word, the content is PDF
        ("协议.exe", PDF),
        ("协议", PDF),
        ("协议.docx", b"PK\x03\x04 not really a zip"),
        ("archive.docx", ooxml("other/")),  # a zip, but not an Office document
        ("宏.xls", b"not ole at all"),
        ("空.pdf", b""),
    ],
)
def test_refused_files(name, content):
    with pytest.raises(UploadRefused):
        check_agreement_file(upload=upload(name, content))


def test_refused_when_too_large():
    big = upload("大.pdf", PDF + b"0" * MAX_BYTES)
    with pytest.raises(UploadRefused, match="larger than 20 MB"):
        check_agreement_file(upload=big)
