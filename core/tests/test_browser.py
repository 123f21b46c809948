"""Real-browser journeys through the sign-in pages (Debian Chromium + Playwright)."""

import re

import pytest

from core.testing import PASSWORD
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_resident_signs_in_on_a_phone_with_a_code(phone, world):
    phone.goto("/")
    phone.get_by_role("link", name="居民：手机号登录").click()
    phone.get_by_label("手机号码").fill(world.R1.mobile)
    phone.get_by_role("button", name="获取验证码").click()
    phone.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", SmsMessage.objects.get(mobile=world.R1.mobile).body).group()

    phone.get_by_label("验证码").fill(code)
    phone.get_by_role("checkbox").check()
    phone.get_by_role("button", name="登录", exact=True).click()

    phone.get_by_text("我的房屋").wait_for()
    assert "居民1" in phone.content()
    assert "方城路小区" in phone.content()
    phone.shot("signin-resident-home")


def test_staff_sign_in_shows_the_workbench_for_their_role(desktop, world):
    for username, role in [
        ("wanggeyuan", "网格员"),
        ("wuye_jingli", "物业经理"),
        ("jiedao", "街道工作人员"),
    ]:
        desktop.goto("about:blank")  # the old page's htmx requests stop with it
        desktop.context.clear_cookies()
        desktop.goto("/accounts/login/")
        desktop.get_by_label("用户名").fill(username)
        desktop.get_by_label("密码").fill(PASSWORD)
        desktop.get_by_role("button", name="登录").click()

        desktop.get_by_role("heading", name="工作台").wait_for()
        assert role in desktop.content()
        desktop.shot(f"signin-staff-{username}")


def test_public_service_list_filters_as_you_type(phone, catalogue):
    phone.goto("/services/")
    total = int(phone.locator("[data-count]").get_attribute("data-count"))

    phone.get_by_placeholder(re.compile("搜索")).fill("漏水")
    phone.wait_for_function(
        "total => Number(document.querySelector('[data-count]').dataset.count) < total", arg=total
    )

    assert "漏水" in phone.locator("#results").inner_text()
    assert "q=%E6%BC%8F%E6%B0%B4" in phone.url  # the filtered view can be shared
    phone.shot("services-search-leak")
