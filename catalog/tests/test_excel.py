from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from catalog.excel import COLUMNS, catalogue_export, catalogue_import
from catalog.models import Item

pytestmark = pytest.mark.django_db

GOOD_ROW = {
    "code": "CV900",
    "list": "convenience",
    "category": "cv_daily",
    "domain": "orange",
    "name": "上门磨剪刀",
    "name_en": "Scissors sharpened at home",
    "description": "磨剪刀、菜刀，现场取送。",
    "kind": "service",
    "provider": "partner",
    "fee": "8.00",
    "fee_note": "每把",
    "service_hours": "每周六 9:00-11:00",
    "booking_hours": "09:00-11:00",
    "how_to_request": "平台预约",
    "sla": "service",
    "keywords": "磨刀 剪刀",
    "published": "1",
}


def _upload(rows, header=COLUMNS, name="catalogue.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    out = BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _snapshot():
    return list(Item.objects.order_by("code").values())


def _category_code():
    return Item.objects.get(code="CV001").category.code


def test_export_then_import_changes_nothing(catalogue):
    before = _snapshot()
    exported = catalogue_export()

    result = catalogue_import(upload=SimpleUploadedFile("c.xlsx", exported))

    assert result.errors == []
    assert (result.created, result.updated) == (0, len(before))
    assert _snapshot() == before
    assert catalogue_export() != b"" and _rows(catalogue_export()) == _rows(exported)


def _rows(data):
    return list(load_workbook(BytesIO(data)).worksheets[0].iter_rows(values_only=True))


def test_import_creates_and_updates(catalogue):
    row = {**GOOD_ROW, "category": _category_code()}
    update = {**dict(zip(COLUMNS, _rows(catalogue_export())[1], strict=True)), "fee": "99.50"}

    result = catalogue_import(upload=_upload([row, update]))

    assert result.errors == []
    assert (result.created, result.updated) == (1, 1)
    assert Item.objects.get(code="CV900").fee_note == "每把"
    assert str(Item.objects.get(code=update["code"]).fee) == "99.50"


def test_import_with_one_bad_row_imports_nothing_and_names_each_bad_row(catalogue):
    before = _snapshot()
    good = {**GOOD_ROW, "category": _category_code()}
    rows = [
        good,
        {**good, "code": "CV901", "name": "甲", "fee": "abc"},
        {**good, "code": "CV902", "name": "乙", "domain": "purple"},
        {**good, "code": "CV903", "name": "丙", "kind": "party"},
        {**good, "code": "", "name": "丁"},
        {**good, "code": "CV900", "name": "戊"},
        {**good, "code": "CV904", "name": "己", "fee": "-1"},
    ]

    with translation.override("zh-hans"):
        result = catalogue_import(upload=_upload(rows))

    assert [row for row, _ in result.errors] == [3, 4, 5, 6, 7, 8]
    reasons = dict(result.errors)
    assert "不是数字" in reasons[3]
    assert "purple" in reasons[4]
    assert "kind" in reasons[5]
    assert "code" in reasons[6]
    assert "第 2 行重复" in reasons[7]
    assert _snapshot() == before


def test_import_refuses_formulas(catalogue):
    good = {**GOOD_ROW, "category": _category_code()}
    formula_row = [good[c] for c in COLUMNS]
    formula_row[COLUMNS.index("name")] = '=HYPERLINK("http://evil.example","点我")'

    result = catalogue_import(upload=_upload([formula_row]))

    assert result.errors and result.errors[0][0] == 2
    assert not Item.objects.filter(code="CV900").exists()


def test_import_refuses_missing_columns(catalogue):
    result = catalogue_import(upload=_upload([["CV900", "x"]], header=["code", "name"]))

    assert result.errors[0][0] == 0
    assert "list" in result.errors[0][1]


def test_import_refuses_a_file_that_is_not_excel(catalogue):
    result = catalogue_import(upload=SimpleUploadedFile("c.xlsx", b"PK\x03\x04 not really a zip"))

    assert len(result.errors) == 1
    assert Item.objects.filter(code="CV900").exists() is False


def test_import_refuses_huge_sheets(catalogue, monkeypatch):
    monkeypatch.setattr("catalog.excel.MAX_ROWS", 20)
    good = {**GOOD_ROW, "category": _category_code()}
    rows = [{**good, "code": f"X{n}", "name": f"n{n}"} for n in range(21)]

    result = catalogue_import(upload=_upload(rows))

    assert result.errors[-1][0] == 0
    assert "20" in result.errors[-1][1]
    assert not Item.objects.filter(code="X1").exists()


def test_import_refuses_files_over_the_size_limit(catalogue):
    result = catalogue_import(upload=SimpleUploadedFile("c.xlsx", b"0" * (2 * 1024 * 1024 + 1)))

    assert result.errors == [(0, "“c.xlsx”超过 2 MB。")]


def test_admin_import_page_reports_rows(catalogue, world, client_for):
    client = client_for(world.admin)
    bad = {**GOOD_ROW, "category": _category_code(), "sla": "never"}

    response = client.post(reverse("admin:catalog_item_import"), {"file": _upload([bad])})

    assert response.status_code == 400
    html = response.content.decode()
    assert "未导入任何内容" in html and "never" in html


def test_admin_export_downloads_the_workbook(catalogue, world, client_for):
    response = client_for(world.admin).get(reverse("admin:catalog_item_export"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(_rows(response.content)) == Item.objects.count() + 1


def test_admin_import_export_refused_to_non_admins(catalogue, world, client_for):
    response = client_for(world.secretary).get(reverse("admin:catalog_item_export"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_workbook_carries_english_names_and_an_import_sets_them(catalogue):
    rows = _rows(catalogue_export())
    english = dict((row[0], row[COLUMNS.index("name_en")]) for row in rows[1:])
    assert rows[0][4:6] == ("name", "name_en")
    assert english["RB15"] == "Water leak indoors or in the stairwell"

    result = catalogue_import(upload=_upload([{**GOOD_ROW, "category": _category_code()}]))

    assert result.errors == []
    item = Item.objects.get(code="CV900")
    assert (item.name, item.name_en) == ("上门磨剪刀", "Scissors sharpened at home")
    with translation.override("en"):
        assert item.label == "Scissors sharpened at home"
    assert item.label == "上门磨剪刀"


def test_a_sheet_without_english_names_still_imports_and_keeps_them(catalogue):
    header = [c for c in COLUMNS if c != "name_en"]
    row = dict(zip(COLUMNS, _rows(catalogue_export())[1], strict=True))
    code = row["code"]
    english = Item.objects.get(code=code).name_en

    result = catalogue_import(upload=_upload([{**row, "fee": "12.00"}], header=header))

    assert result.errors == []
    item = Item.objects.get(code=code)
    assert (str(item.fee), item.name_en) == ("12.00", english)
    assert english != ""
