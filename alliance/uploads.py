"""Agreement files: PDF, pictures and Office documents, checked by content and size.

The type is decided from the file's first bytes (and, for the Office formats, its internal
layout), never from the name or the browser's declared type; the name's extension must agree
with what the content is. The stored file gets a random name; the original name is kept only
for display.
"""

import io
import secrets
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.uploads import UploadRefused, upload_name, upload_read

MAX_BYTES = 20 * 1024 * 1024

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls / .ppt
# kind: (extensions, content type)
KINDS = {
    "pdf": (("pdf",), "application/pdf"),
    "jpeg": (("jpg", "jpeg"), "image/jpeg"),
    "png": (("png",), "image/png"),
    "docx": (
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "doc": (("doc",), "application/msword"),
    "xls": (("xls",), "application/vnd.ms-excel"),
    "ppt": (("ppt",), "application/vnd.ms-powerpoint"),
}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ACCEPTED_EXTENSIONS = sorted(ext for exts, _type in KINDS.values() for ext in exts)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    original_name: str
    stored_name: str
    content_type: str


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _ooxml_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for kind, folder in OOXML_PARTS.items():
        if any(n.startswith(folder) for n in names):
            return kind
    return None


def _detect(data: bytes, extension: str) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    if data.startswith(OLE):
        # The container does not say which legacy program wrote it: trust the extension.
        return {"doc": "doc", "xls": "xls", "ppt": "ppt"}.get(extension)
    return None


def check_agreement_file(*, upload) -> CheckedFile:
    name = upload_name(upload)
    data = upload_read(upload=upload, max_bytes=MAX_BYTES)
    extension = _extension(name)
    kind = _detect(data, extension)
    if kind is None or extension not in KINDS[kind][0]:
        raise UploadRefused(
            _("“%(name)s” is not a PDF, picture (JPEG, PNG) or Office document.") % {"name": name}
        )
    return CheckedFile(
        content=data,
        original_name=name,
        stored_name=f"{secrets.token_hex(16)}.{extension}",
        content_type=KINDS[kind][1],
    )
