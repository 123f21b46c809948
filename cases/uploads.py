"""Photos attached to reports and resolutions: refuse what we cannot trust, re-encode the rest.

The stored copy is always a freshly encoded JPEG or PNG, so no EXIF (GPS included), XMP, ICC
profile or comment from the resident's phone survives. Sizes are checked from the header before
any pixel is decoded.
"""

import io
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from core.uploads import MAX_PIXELS, UploadRefused, upload_name, upload_read

MAX_PHOTOS = 9
MAX_BYTES = 10 * 1024 * 1024  # per file, before decoding
MAX_SIDE = 2560  # longer side of the stored image; larger ones are scaled down
JPEG_QUALITY = 85

# Pillow's names. Many phones write multi-picture JPEGs, which the JPEG opener reports as "MPO".
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_LOSSLESS_FORMATS = ("PNG", "GIF")


@dataclass(frozen=True)
class CleanImage:
    content: bytes  # re-encoded image without any metadata
    extension: str  # "jpg" or "png"
    content_type: str  # "image/jpeg" or "image/png"
    width: int
    height: int


def clean_images(*, uploads: list) -> list[CleanImage]:
    if len(uploads) > MAX_PHOTOS:
        raise UploadRefused(
            _("At most %(max)d photos can be attached.") % {"max": MAX_PHOTOS},
            data={"max": MAX_PHOTOS},
        )
    return [clean_image(upload=upload) for upload in uploads]


def clean_image(*, upload) -> CleanImage:
    """Check one uploaded file and return it re-encoded; raise UploadRefused otherwise."""
    name = upload_name(upload)
    data = upload_read(upload=upload, max_bytes=MAX_BYTES)

    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            _check_dimensions(name=name, size=probe.size)
            probe.verify()
        # verify() leaves the object unusable: decode from a fresh handle.
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            _check_dimensions(name=name, size=image.size)
            return _encode(image)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse_too_many_pixels(name)
    except Exception:  # Pillow reports broken files with many exception types; none may 500
        raise UploadRefused(
            _("“%(name)s” is not a picture we can read.") % {"name": name},
            data={"name": name},
        ) from None


def _check_dimensions(*, name, size) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise ValueError("empty image")
    if width * height > MAX_PIXELS:
        _refuse_too_many_pixels(name)


def _refuse_too_many_pixels(name) -> NoReturn:
    raise UploadRefused(
        _("“%(name)s” is too large in pixels.") % {"name": name},
        data={"name": name},
    )


def _encode(image) -> CleanImage:
    lossless = image.format in _LOSSLESS_FORMATS
    if image.format in ("JPEG", "MPO"):
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale while both sides stay >= MAX_SIDE.
        image.draft(image.mode, (MAX_SIDE, MAX_SIDE))
    image.load()  # raises on truncated or corrupt pixel data

    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    image = _normalise_mode(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)

    transparent = image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255
    image.info = {}  # the encoders fall back to info for ICC profile, comment and transparency
    out = io.BytesIO()
    if lossless or transparent:
        image.save(out, format="PNG", optimize=True)
        extension, content_type = "png", "image/png"
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
            image.info = {}
        image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        extension, content_type = "jpg", "image/jpeg"
    return CleanImage(
        content=out.getvalue(),
        extension=extension,
        content_type=content_type,
        width=image.width,
        height=image.height,
    )


def _to_srgb(image):
    """Bake an embedded colour profile into the pixels, since the profile itself is dropped."""
    icc_profile = image.info.get("icc_profile")
    if not icc_profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unusable profile: keep the pixels as they are


def _normalise_mode(image):
    """RGBA when there is transparency, L for greyscale, RGB for everything else."""
    if image.has_transparency_data:
        return image.convert("RGBA")
    if image.mode in ("1", "L"):
        return image.convert("L") if image.mode == "1" else image
    if image.mode == "RGB":
        return image
    return image.convert("RGB")
