"""Every upload passes one checker: what a file unpacks to and how many pixels it claims are
limited, for agreement files, case photos and catalogue workbooks alike."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.uploads import check_agreement_file
from cases.tests.test_uploads import _png_claiming
from cases.uploads import clean_image
from catalog.excel import catalogue_import
from core.errors import ApplicationError


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _zip_bomb(parts: dict[str, str], big: str, megabytes: int) -> bytes:
    """An Office-like zip whose `big` member unpacks to `megabytes` of zeros (a few hundred KB
    packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open(big, "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


DOCX = {"[Content_Types].xml": "<Types/>", "word/styles.xml": "<styles/>"}


def test_a_zip_bomb_docx_agreement_is_refused():
    bomb = _zip_bomb(DOCX, "word/document.xml", megabytes=300)
    assert len(bomb) < 2 * 1024 * 1024

    with pytest.raises(ApplicationError) as refused:
        check_agreement_file(upload=SimpleUploadedFile("协议.docx", bomb))

    assert "unpacks to more than" in str(refused.value.message)


def test_a_900_megapixel_png_agreement_is_refused():
    png = _png_claiming(width=30_000, height=30_000)

    with pytest.raises(ApplicationError) as refused:
        check_agreement_file(upload=SimpleUploadedFile("盖章页.png", png))

    assert "too large in pixels" in str(refused.value.message)


def test_a_900_megapixel_png_photo_is_refused_the_same_way():
    png = _png_claiming(width=30_000, height=30_000)

    with pytest.raises(ApplicationError) as refused:
        clean_image(upload=SimpleUploadedFile("现场.png", png))

    assert "too large in pixels" in str(refused.value.message)


@pytest.mark.django_db
def test_a_zip_bomb_workbook_is_refused_before_it_is_read(catalogue):
    parts = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
    bomb = _zip_bomb(parts, "xl/worksheets/sheet1.xml", megabytes=300)

    result = catalogue_import(upload=SimpleUploadedFile("catalogue.xlsx", bomb))

    assert result.errors and "unpacks to more than" in str(result.errors[0][1])
