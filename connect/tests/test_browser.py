"""In a real browser: the hotline pushes an order that cannot be placed, 方城路社区's staff see
it waiting, place it with the chained selects and reach its case; another community's staff
see nothing. And a 12345 portal file is previewed row by row, imported, and again changes
nothing."""

import io
import json
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Case
from connect.models import ExternalOrder
from core.testing import make_user, sign_in
from orgs.roles import Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _push(live_server, key, body):
    request = urllib.request.Request(
        live_server.url + "/api/v1/connect/orders",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def test_staff_place_a_pushed_order_and_another_community_sees_nothing(
    desktop, live_server, world, hotline
):
    now = timezone.now().replace(microsecond=0)
    status, answer = _push(
        live_server,
        hotline.key,
        {
            "number": "QD2026120300501",
            "content": "楼道灯坏了一个月了，晚上老人上下楼很危险",
            "address": "3号楼2单元602",  # neither estate of the community has a 3号楼
            "order_type": "投诉",
            "sign_by": (now + timedelta(hours=2)).isoformat(),
            "answer_by": (now + timedelta(days=3)).isoformat(),
        },
    )
    assert (status, answer["state"]) == (202, "needs_place")

    sign_in(desktop, live_server, world.community)
    desktop.goto("/")
    assert desktop.locator("[data-orders-to-place]").inner_text() == "1"
    desktop.locator("[data-workbench=orders-to-place]").click()
    desktop.locator('[data-order="QD2026120300501"]').click()
    assert desktop.locator("[data-address]").inner_text() == "3号楼2单元602"
    desktop.get_by_label("小区").select_option(label="方城路小区")
    desktop.get_by_label("楼栋").select_option(label="1号楼")  # offered once the estate is chosen
    desktop.get_by_label("房屋").select_option(label="1单元 101")
    desktop.shot("connect-1-place")
    desktop.get_by_role("button", name="定位并生成诉求").click()

    case = Case.objects.get()
    desktop.locator('[data-external-no="QD2026120300501"]').wait_for()
    assert desktop.url == f"{live_server.url}/cases/{case.pk}/"
    clocks = desktop.locator("#order-clocks [data-clock=resolution] td").first
    assert clocks.inner_text() == f"{timezone.localtime(now + timedelta(days=3)):%Y-%m-%d %H:%M}"
    desktop.shot("connect-2-case")
    assert (case.household, case.channel) == (world.H1, "hotline")

    other = make_user("wuding_shequ", role=Role.COMMUNITY_STAFF, org_unit=world.C2)
    _push(
        live_server, hotline.key, {"number": "QD2026120300502", "content": "噪音", "address": "?"}
    )
    sign_in(desktop, live_server, other)
    desktop.goto("/connect/orders/")
    assert desktop.locator("#orders-to-place").get_attribute("data-count") == "0"
    assert desktop.locator("[data-orders-to-place]").count() == 0
    unplaced = ExternalOrder.objects.get(number="QD2026120300502")
    response = desktop.goto(f"/connect/orders/{unplaced.pk}/place/")
    assert response.status == 404


def _export(path) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工单编号", "诉求地址", "诉求内容", "诉求类型", "来电时间", "承办单位"])
    sheet.append(["QD100", "方城路小区1号楼1单元101", "楼上漏水", "求助", "2026-12-03 09:00", "x"])
    sheet.append(["QD101", "华城苑2号楼", "单车堵住消防通道", "投诉", "2026-12-03 09:30", "x"])
    sheet.append(["QD102", "不知道哪里", "路灯不亮", "建议", "2026-12-03 10:00", "x"])
    sheet.append(["QD103", "方城路小区1号楼", "有人乱扔垃圾", "表扬", "2026-12-03 10:30", "x"])
    out = io.BytesIO()
    workbook.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_portal_file_is_previewed_fixed_imported_and_again_changes_nothing(
    desktop, live_server, world, hotline, tmp_path
):
    sign_in(desktop, live_server, world.community)
    desktop.goto("/connect/imports/")
    desktop.locator("input[type=file]").set_input_files(_export(tmp_path / "12月3日.xlsx"))
    desktop.get_by_role("button", name="上传并检查").click()

    counts = desktop.locator("#preview-counts")
    counts.wait_for()
    outcomes = {
        name: counts.locator(f"[data-outcome={name}]").get_attribute("data-count")
        for name in ("new", "known", "needs_place", "error")
    }
    assert outcomes == {"new": "2", "known": "0", "needs_place": "1", "error": "1"}
    error = desktop.locator("#preview-rows tr[data-line='5'] [data-message]")
    assert error.inner_text() == "诉求类型“表扬”不是咨询、求助、投诉、举报、建议之一。"
    assert desktop.get_by_role("button", name="导入整个文件（4 行）").count() == 0
    desktop.shot("connect-3-preview-error")
    assert ExternalOrder.objects.count() == 0

    # Fixed in the file (the row left out), uploaded again, imported.
    workbook_path = tmp_path / "12月3日-改.xlsx"
    _export(workbook_path)
    from openpyxl import load_workbook

    workbook = load_workbook(workbook_path)
    workbook.active.delete_rows(5)
    workbook.save(workbook_path)
    desktop.goto("/connect/imports/")
    desktop.locator("input[type=file]").set_input_files(str(workbook_path))
    desktop.get_by_role("button", name="上传并检查").click()
    desktop.get_by_role("button", name="导入整个文件（3 行）").click()
    desktop.locator("[data-imported]").wait_for()
    desktop.shot("connect-4-imported")
    assert sorted(ExternalOrder.objects.values_list("number", "state")) == [
        ("QD100", "filed"),
        ("QD101", "filed"),
        ("QD102", "needs_place"),
    ]

    desktop.goto("/connect/imports/")
    desktop.locator("input[type=file]").set_input_files(str(workbook_path))
    desktop.get_by_role("button", name="上传并检查").click()
    desktop.locator("[data-nothing]").wait_for()
    assert (
        desktop.locator("#preview-counts [data-outcome=known]").get_attribute("data-count") == "3"
    )
    assert (ExternalOrder.objects.count(), Case.objects.count()) == (3, 2)
