"""The crosswalk in the admin: editable inline, exported and imported as Excel; codes not
in it take triage's suggestion (see test_intake)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from catalog.models import Item
from connect.models import CategoryCode

pytestmark = pytest.mark.django_db


def _sheet(rows, header=("分类代码", "分类名称", "服务事项编码")) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("crosswalk.xlsx", out.getvalue())


def _url(system, what):
    return f"/admin/connect/connectedsystem/{system.pk}/crosswalk/{what}/"


def test_the_administrator_imports_a_crosswalk_and_exports_it_again(world, hotline, client_for):
    CategoryCode.objects.create(system=hotline, code="0101", label="旧名称")
    admin = client_for(world.admin)

    answer = admin.post(
        _url(hotline, "import"),
        {
            "file": _sheet(
                [("0101", "路灯照明", "RB19"), (30201, "漏水", "RB15"), ("0999", "其他", "")]
            )
        },
    )

    assert answer.status_code == 302
    codes = CategoryCode.objects.filter(system=hotline).order_by("code")
    assert [(c.code, c.label, c.item and c.item.code) for c in codes] == [
        ("0101", "路灯照明", "RB19"),
        ("0999", "其他", None),
        ("30201", "漏水", "RB15"),
    ]
    exported = load_workbook(io.BytesIO(admin.get(_url(hotline, "export")).content)).worksheets[0]
    assert [list(row) for row in exported.iter_rows(values_only=True)] == [
        ["分类代码", "分类名称", "服务事项编码"],
        ["0101", "路灯照明", "RB19"],
        ["0999", "其他", None],
        ["30201", "漏水", "RB15"],
    ]
    page = admin.get(f"/admin/connect/connectedsystem/{hotline.pk}/change/").content.decode()
    assert _url(hotline, "import") in page  # the inline stays editable beside it


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([("0101", "路灯", "XX99")], "没有可受理的服务事项“XX99”。"),
        ([("0101", "路灯", "PW17")], "没有可受理的服务事项“PW17”。"),  # information only
        ([("", "路灯", "RB19")], "分类代码为空。"),
        ([("0101", "路灯", "RB19"), ("0101", "又是路灯", "RB19")], "分类代码与第 3 行重复。"),
    ],
)
def test_a_bad_row_changes_nothing(world, hotline, client_for, rows, problem):
    answer = client_for(world.admin).post(
        _url(hotline, "import"), {"file": _sheet([("0202", "绿化", "RB22"), *rows])}
    )

    assert answer.status_code == 400
    assert problem in answer.content.decode()
    assert CategoryCode.objects.count() == 0


def test_a_sheet_without_the_columns_is_refused(world, hotline, client_for):
    answer = client_for(world.admin).post(
        _url(hotline, "import"), {"file": _sheet([("0101", "x")], header=("编号", "名称"))}
    )

    assert "表头缺少以下列：分类代码、服务事项编码" in answer.content.decode()
    assert CategoryCode.objects.count() == 0


def test_only_administrators_reach_the_crosswalk(world, hotline, client_for):
    answer = client_for(world.community).get(_url(hotline, "import"))

    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    assert Item.objects.filter(code="RB19").exists()
