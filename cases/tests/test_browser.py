"""The leak journey in a real browser: a resident reports on a phone, staff handle it on a
desktop through htmx, the grid worker sees it, the resident rates it, the dashboard counts it."""

import re
from io import BytesIO

import pytest
from PIL import Image

from core.testing import PASSWORD
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in_resident(page, mobile):
    page.goto("/accounts/resident/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", SmsMessage.objects.filter(mobile=mobile).latest("id").body).group()
    page.get_by_label("验证码").fill(code)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="登录", exact=True).click()


def _sign_in_staff(page, username):
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def _photo(tmp_path):
    path = tmp_path / "leak.jpg"
    out = BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 200)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_leak_reported_on_a_phone_is_handled_and_rated(phone, desktop, tmp_path, world, catalogue):
    _sign_in_staff(desktop, "shuji")
    assert _dashboard_figure(desktop, "received") == "0"

    # The resident reports a leak with a photo on a phone.
    _sign_in_resident(phone, world.R1.mobile)
    phone.goto("/cases/report/?item=RB15")
    phone.get_by_label("问题描述").fill("楼上漏水，卫生间天花板一直在滴水")
    phone.get_by_label("在我家").select_option(str(world.H1.pk))
    phone.locator("input[name=photos][multiple]").set_input_files(str(_photo(tmp_path)))
    phone.shot("journey-1-resident-report")
    phone.get_by_role("button", name="提交").click()
    phone.get_by_text("诉求编号").first.wait_for()
    tracking = re.search(r"FC\d{8}-\d{4}", phone.content()).group()
    phone.shot("journey-2-resident-received")

    # The property manager sees it at once, accepts and resolves it without a page reload.
    _sign_in_staff(desktop, "wuye_jingli")
    desktop.goto("/cases/inbox/")
    desktop.get_by_role("link", name=tracking).click()
    desktop.locator("form[data-action=accept] button[type=submit]").click()
    desktop.locator('[data-status="accepted"]').wait_for()
    desktop.locator("details:has(form[data-action=resolve]) summary").click()
    desktop.locator("form[data-action=resolve] textarea").fill("已关闭楼上进水阀并更换老化水管")
    desktop.locator("form[data-action=resolve] button[type=submit]").click()
    desktop.locator('[data-status="resolved"]').wait_for()
    desktop.shot("journey-3-manager-resolved")

    # The grid worker sees the same case.
    _sign_in_staff(desktop, "wanggeyuan")
    desktop.goto("/cases/inbox/?tab=done")
    assert desktop.get_by_role("link", name=tracking).is_visible()

    # The resident rates it: satisfied closes it.
    phone.goto(f"/cases/mine/{tracking}/")
    phone.get_by_text("已关闭楼上进水阀").wait_for()
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator('[data-status="closed"]').wait_for()
    phone.shot("journey-4-resident-rated")

    # The community's dashboard counts it: received, and rated satisfied.
    _sign_in_staff(desktop, "shuji")
    assert _dashboard_figure(desktop, "received") == "1"
    assert _dashboard_figure(desktop, "satisfaction_rate") == "100.0%"
    desktop.shot("journey-5-dashboard")


def _dashboard_figure(page, name) -> str:
    page.goto("/insights/?period=30d")
    return page.locator(f"[data-figure={name}]").inner_text().strip()


def test_unaccepted_case_climbs_the_ladder_when_the_clock_runs_out(desktop, world, catalogue):
    from datetime import timedelta

    from cases import worker
    from cases.services import case_submit
    from catalog.models import Item

    case = case_submit(
        item=Item.objects.get(code="RB01"),
        description="楼道堆满杂物",
        channel="phone",
        created_by=world.grid_worker,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )
    _sign_in_staff(desktop, "shuji")
    desktop.goto(f"/cases/{case.pk}/")
    assert desktop.locator("[data-owner]").get_attribute("data-owner") == "1号微网格"

    later = case.created_at
    for _ in range(2):  # nobody accepts: micro-grid -> grid -> community
        later = type(case).objects.get(pk=case.pk).next_escalation_at + timedelta(minutes=1)
        worker.escalate_due(now=later)

    desktop.reload()
    assert desktop.locator("[data-owner]").get_attribute("data-owner") == "方城路社区"
    assert "升级" in desktop.locator("#case").inner_text()
    desktop.goto("/cases/inbox/?tab=supervised")
    assert desktop.get_by_role("link", name=case.tracking_no).is_visible()
    desktop.shot("journey-ladder-community")
