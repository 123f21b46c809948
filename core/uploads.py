"""The one checker every uploaded file passes before anything else reads it: its size, what a
zip container inside it unpacks to, and how many pixels a picture claims. Case photos,
agreement files and catalogue workbooks each add their own rules after it."""

import io
import zipfile
from typing import NoReturn

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from core.errors import ApplicationError

MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # an Office file or workbook, all its parts together
MAX_PIXELS = 40_000_000  # width * height of a picture, read from its header
_CHUNK = 1024 * 1024


class UploadRefused(ApplicationError):
    code = "upload_refused"
    status = 400
    default_message = gettext_lazy("This file cannot be attached.")


def upload_read(*, upload, max_bytes: int) -> bytes:
    """The file's bytes, once they pass the checks that need no format of their own."""
    name = upload_name(upload)
    if upload.size is None or upload.size > max_bytes:
        _refuse_bytes(name, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:  # the declared size was wrong
        _refuse_bytes(name, max_bytes)
    if not data:
        refuse(_("“%(name)s” is empty.") % {"name": name}, name)
    if data.startswith(b"PK\x03\x04"):
        _check_unpacked(data, name)
    elif data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"RIFF")):
        check_pixels(data, name)
    return data


def upload_name(upload) -> str:
    return (upload.name or "").strip()[-150:] or "file"


def refuse(message, name: str) -> NoReturn:
    raise UploadRefused(message, data={"name": name})


def check_pixels(data: bytes, name: str) -> None:
    """Refuse a picture whose header claims more than MAX_PIXELS (no pixel is decoded)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        width = height = MAX_PIXELS
    except Exception:  # not a picture Pillow knows: the caller's own checks decide
        return
    if width * height > MAX_PIXELS:
        refuse(_("“%(name)s” is too large in pixels.") % {"name": name}, name)


def _check_unpacked(data: bytes, name: str) -> None:
    """Unpack every member, counting, and stop past MAX_UNPACKED_BYTES: the sizes a zip's
    headers declare can lie."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            refuse(
                                _("“%(name)s” unpacks to more than %(max)d MB.")
                                % {"name": name, "max": MAX_UNPACKED_BYTES // (1024 * 1024)},
                                name,
                            )
    except UploadRefused:
        raise
    except Exception:  # a broken or encrypted zip: the caller's own checks decide
        return


def _refuse_bytes(name: str, max_bytes: int) -> NoReturn:
    refuse(
        _("“%(name)s” is larger than %(max)d MB.")
        % {"name": name, "max": max_bytes // (1024 * 1024)},
        name,
    )
