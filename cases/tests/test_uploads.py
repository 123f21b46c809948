import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms, PngImagePlugin

from cases.uploads import (
    MAX_BYTES,
    MAX_PHOTOS,
    MAX_PIXELS,
    MAX_SIDE,
    CleanImage,
    UploadRefused,
    clean_image,
    clean_images,
)

if not settings.configured:  # this module also runs with `-p no:django`
    settings.configure(USE_I18N=False)

RED = (220, 20, 20)
BLUE = (20, 20, 220)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _encoded(image, format, **params):
    out = io.BytesIO()
    image.save(out, format=format, **params)
    return out.getvalue()


def _jpeg(size=(64, 48), color=RED, **params):
    return _encoded(Image.new("RGB", size, color), "JPEG", **params)


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def _opened(result: CleanImage):
    return Image.open(io.BytesIO(result.content))


def _png_claiming(*, width, height):
    """A real 16x16 PNG whose header claims another size; its pixel data stays 16x16."""
    data = bytearray(_encoded(Image.new("1", (16, 16)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _refusal(upload) -> str:
    with pytest.raises(UploadRefused) as excinfo:
        clean_image(upload=upload)
    return str(excinfo.value.message)


def _colour(pixel):
    red, green, blue = pixel[:3]
    if red > 180 and blue < 80:
        return "red"
    if blue > 180 and red < 80:
        return "blue"
    return "other"


def test_clean_image_good_jpeg():
    result = clean_image(upload=_upload("photo.jpg", _jpeg(size=(64, 48))))

    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    assert (result.width, result.height) == (64, 48)
    image = _opened(result)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (64, 48))
    assert _colour(image.getpixel((32, 24))) == "red"


def test_clean_image_png_with_alpha_stays_png():
    source = Image.new("RGBA", (30, 20), (255, 0, 0, 128))
    source.putpixel((0, 0), (0, 0, 255, 0))

    result = clean_image(upload=_upload("sticker.png", _encoded(source, "PNG")))

    assert (result.extension, result.content_type) == ("png", "image/png")
    assert (result.width, result.height) == (30, 20)
    image = _opened(result)
    assert (image.format, image.mode) == ("PNG", "RGBA")
    assert image.getpixel((5, 5)) == (255, 0, 0, 128)
    assert image.getpixel((0, 0))[3] == 0


def test_clean_image_webp_photo_becomes_jpeg():
    content = _encoded(Image.new("RGB", (40, 30), BLUE), "WEBP")

    result = clean_image(upload=_upload("photo.webp", content))

    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    image = _opened(result)
    assert (image.format, image.size) == ("JPEG", (40, 30))
    assert _colour(image.getpixel((20, 15))) == "blue"


def test_clean_image_webp_with_alpha_becomes_png():
    content = _encoded(Image.new("RGBA", (40, 30), (0, 0, 255, 0)), "WEBP", lossless=True)

    result = clean_image(upload=_upload("cut-out.webp", content))

    assert (result.extension, result.content_type) == ("png", "image/png")
    assert _opened(result).getpixel((0, 0))[3] == 0


def test_clean_image_gif_keeps_first_frame_as_png():
    frames = [Image.new("RGB", (20, 20), RED), Image.new("RGB", (20, 20), BLUE)]
    content = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(content)).n_frames == 2

    result = clean_image(upload=_upload("anim.gif", content))

    image = _opened(result)
    assert (result.extension, image.format, image.size) == ("png", "PNG", (20, 20))
    assert getattr(image, "n_frames", 1) == 1
    assert _colour(image.getpixel((10, 10))) == "red"


def test_clean_image_multi_picture_jpeg_accepted():
    frames = [Image.new("RGB", (32, 24), RED), Image.new("RGB", (32, 24), BLUE)]
    content = _encoded(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(content)).format == "MPO"

    result = clean_image(upload=_upload("phone.jpg", content))

    image = _opened(result)
    assert (result.extension, image.format, image.size) == ("jpg", "JPEG", (32, 24))
    assert _colour(image.getpixel((16, 12))) == "red"


def test_clean_image_cmyk_jpeg_becomes_rgb():
    content = _encoded(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")

    result = clean_image(upload=_upload("print.jpg", content))

    image = _opened(result)
    assert (result.extension, image.mode) == ("jpg", "RGB")
    assert _colour(image.getpixel((8, 8))) == "red"


def test_clean_image_exif_gps_stripped():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 29.0)}
    content = _jpeg(exif=exif, comment=b"home address", xmp=b"<x:xmpmeta>secret</x:xmpmeta>")
    source = Image.open(io.BytesIO(content))
    assert source.getexif().get_ifd(0x8825)[1] == "N"
    assert b"Exif" in content

    result = clean_image(upload=_upload("photo.jpg", content))

    image = _opened(result)
    assert dict(image.getexif()) == {}
    assert b"Exif" not in result.content
    assert b"PhoneMaker" not in result.content
    assert b"home address" not in result.content
    assert b"xmpmeta" not in result.content
    assert "comment" not in image.info


def test_clean_image_png_metadata_stripped():
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "home address")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}
    content = _encoded(Image.new("RGB", (16, 16), RED), "PNG", pnginfo=text, exif=exif)
    assert b"home address" in content

    result = clean_image(upload=_upload("screen.png", content))

    image = _opened(result)
    assert (result.extension, image.format) == ("png", "PNG")
    assert image.info == {}
    assert dict(image.getexif()) == {}
    assert b"home address" not in result.content
    assert b"Exif" not in result.content


def test_clean_image_icc_profile_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = _encoded(Image.new("RGB", (16, 16), (128, 64, 32)), "PNG", icc_profile=srgb)
    assert "icc_profile" in Image.open(io.BytesIO(content)).info

    result = clean_image(upload=_upload("colour.png", content))

    image = _opened(result)
    assert image.info == {}
    assert image.getpixel((8, 8)) == (128, 64, 32)


def test_clean_image_colour_profile_applied_before_dropping_it():
    # An sRGB profile with the red and blue primaries swapped: "red" pixels are really blue.
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack(">I", profile[128:132])
    tags = {bytes(profile[132 + 12 * n : 136 + 12 * n]): 136 + 12 * n for n in range(count)}
    red, blue = tags[b"rXYZ"], tags[b"bXYZ"]
    profile[red : red + 8], profile[blue : blue + 8] = (
        profile[blue : blue + 8],
        profile[red : red + 8],
    )
    content = _encoded(Image.new("RGB", (16, 16), RED), "PNG", icc_profile=bytes(profile))

    result = clean_image(upload=_upload("wide-gamut.png", content))

    image = _opened(result)
    assert image.info == {}
    assert image.getpixel((8, 8)) == BLUE


def test_clean_image_orientation_applied():
    # Left half red, right half blue; orientation 6 means "rotate 90° clockwise to view".
    source = Image.new("RGB", (20, 10), RED)
    source.paste(BLUE, (10, 0, 20, 10))
    exif = Image.Exif()
    exif[0x0112] = 6
    content = _encoded(source, "JPEG", exif=exif, quality=95)

    result = clean_image(upload=_upload("portrait.jpg", content))

    image = _opened(result)
    assert (result.width, result.height) == (10, 20)
    assert image.size == (10, 20)
    assert _colour(image.getpixel((5, 2))) == "red"
    assert _colour(image.getpixel((5, 17))) == "blue"
    assert b"Exif" not in result.content


def test_clean_image_large_jpeg_scaled_to_max_side():
    result = clean_image(upload=_upload("big.jpg", _jpeg(size=(4000, 3000))))

    assert (result.width, result.height) == (MAX_SIDE, 1920)
    assert _opened(result).size == (MAX_SIDE, 1920)


def test_clean_image_large_png_scaled_to_max_side():
    content = _encoded(Image.new("RGB", (1280, 5120), BLUE), "PNG")

    result = clean_image(upload=_upload("long-screenshot.png", content))

    assert (result.extension, result.width, result.height) == ("png", 640, MAX_SIDE)


def test_clean_image_small_image_not_enlarged():
    result = clean_image(upload=_upload("tiny.jpg", _jpeg(size=(3, 2))))

    assert (result.width, result.height) == (3, 2)


def test_clean_image_reads_from_the_start():
    upload = _upload("photo.jpg", _jpeg())
    upload.read()  # as if something had looked at it already

    assert clean_image(upload=upload).width == 64


def test_clean_image_decompression_bomb_refused_without_decoding():
    # Had the pixels been decoded, the missing data would say "not a picture we can read".
    upload = _upload("bomb.png", _png_claiming(width=50_000, height=50_000))

    assert _refusal(upload) == "“bomb.png” is too large in pixels."


def test_clean_image_over_max_pixels_refused_without_decoding():
    # 48 million pixels: below Pillow's own bomb limit, above ours.
    upload = _upload("huge.png", _png_claiming(width=8000, height=6000))

    assert _refusal(upload) == "“huge.png” is too large in pixels."


def test_clean_image_exactly_max_pixels_passes_the_pixel_check():
    # The header passes; the real 16x16 data then fails to fill 8000x5000.
    upload = _upload("edge.png", _png_claiming(width=8000, height=MAX_PIXELS // 8000))

    assert _refusal(upload) == "“edge.png” is not a picture we can read."


def test_clean_image_zero_width_refused():
    upload = _upload("empty.png", _png_claiming(width=0, height=16))

    assert _refusal(upload) == "“empty.png” is not a picture we can read."


def test_clean_image_declared_size_over_max_bytes_refused_before_reading():
    upload = _upload("big.jpg", _jpeg())
    upload.size = MAX_BYTES + 1

    with pytest.raises(UploadRefused) as excinfo:
        clean_image(upload=upload)

    assert str(excinfo.value.message) == "“big.jpg” is larger than 10 MB."
    assert (excinfo.value.code, excinfo.value.status) == ("upload_refused", 400)
    assert excinfo.value.data == {"name": "big.jpg"}


def test_clean_image_content_over_max_bytes_refused_when_size_lies():
    upload = _upload("big.jpg", _jpeg() + b"\0" * MAX_BYTES)
    upload.size = 1000

    assert _refusal(upload) == "“big.jpg” is larger than 10 MB."


def test_clean_image_exactly_max_bytes_accepted():
    content = _jpeg()
    content += b"\0" * (MAX_BYTES - len(content))  # trailing bytes after the JPEG end marker

    result = clean_image(upload=_upload("full.jpg", content))

    assert (result.extension, result.width) == ("jpg", 64)


def test_clean_image_text_file_named_jpg_refused():
    upload = _upload("photo.jpg", b"Dear committee, the lift is broken again.\n")

    assert _refusal(upload) == "“photo.jpg” is not a picture we can read."


def test_clean_image_empty_file_refused():
    assert _refusal(_upload("photo.jpg", b"")) == "“photo.jpg” is empty."


def test_clean_image_truncated_jpeg_refused():
    content = _encoded(Image.effect_noise((256, 256), 64).convert("RGB"), "JPEG")
    truncated = content[: len(content) // 2]
    assert Image.open(io.BytesIO(truncated)).size == (256, 256)

    assert _refusal(_upload("cut.jpg", truncated)) == "“cut.jpg” is not a picture we can read."


def test_clean_image_png_with_bad_checksum_refused():
    # The pixel data still decodes; only verify() notices the damaged chunk.
    content = bytearray(_encoded(Image.effect_noise((64, 64), 64), "PNG"))
    start = content.index(b"IDAT")
    (length,) = struct.unpack(">I", content[start - 4 : start])
    content[start + 4 + length] ^= 0xFF
    assert Image.open(io.BytesIO(content)).convert("RGB").size == (64, 64)

    assert _refusal(_upload("bad.png", bytes(content))) == "“bad.png” is not a picture we can read."


def test_clean_image_svg_refused():
    content = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>"
    )

    assert _refusal(_upload("logo.svg", content)) == "“logo.svg” is not a picture we can read."


def test_clean_image_html_refused():
    content = b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"

    assert _refusal(_upload("photo.png", content)) == "“photo.png” is not a picture we can read."


@pytest.mark.parametrize(
    ("name", "format"),
    [("scan.bmp", "BMP"), ("scan.tiff", "TIFF"), ("icon.ico", "ICO"), ("doc.pdf", "PDF")],
)
def test_clean_image_other_formats_refused(name, format):
    content = _encoded(Image.new("RGB", (16, 16), RED), format)
    if format != "PDF":  # Pillow writes PDF but cannot read it back
        assert Image.open(io.BytesIO(content)).format == format

    assert _refusal(_upload(name, content)) == f"“{name}” is not a picture we can read."


def test_clean_images_returns_one_clean_image_per_upload():
    uploads = [_upload(f"{n}.jpg", _jpeg(size=(10 + n, 10))) for n in range(MAX_PHOTOS)]

    results = clean_images(uploads=uploads)

    assert [result.width for result in results] == [10 + n for n in range(MAX_PHOTOS)]


def test_clean_images_refuses_more_than_max_photos():
    uploads = [_upload(f"{n}.jpg", _jpeg()) for n in range(MAX_PHOTOS + 1)]

    with pytest.raises(UploadRefused) as excinfo:
        clean_images(uploads=uploads)

    assert str(excinfo.value.message) == "At most 9 photos can be attached."
    assert excinfo.value.code == "upload_refused"


def test_clean_images_refuses_the_batch_when_one_file_is_bad():
    uploads = [_upload("good.jpg", _jpeg()), _upload("notes.jpg", b"just text")]

    with pytest.raises(UploadRefused) as excinfo:
        clean_images(uploads=uploads)

    assert str(excinfo.value.message) == "“notes.jpg” is not a picture we can read."


def test_clean_images_accepts_no_uploads():
    assert clean_images(uploads=[]) == []
