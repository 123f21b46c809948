"""A resident signs in through WeChat on a phone, in a real browser, against a WeChat API on
loopback: the first time WeChat is linked by one SMS sign-in; after that WeChat alone does, and
they choose which notices come by WeChat."""

import re
from urllib.parse import urlparse

import pytest

from residents.models import SmsMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MOBILE = "13800007777"


def test_a_resident_links_wechat_once_and_then_signs_in_with_it(wechat, phone, world):
    phone.goto("/accounts/resident/?next=/cases/mine/")
    phone.get_by_role("link", name="微信登录").click()
    phone.locator("[data-linking-wechat]").wait_for()  # WeChat knew the phone, we did not
    phone.get_by_label("手机号码").fill(MOBILE)
    phone.get_by_role("button", name="获取验证码").click()
    phone.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", SmsMessage.objects.get(mobile=MOBILE).body).group()
    phone.get_by_label("验证码", exact=True).fill(code)
    phone.locator("#id_consent").check()
    phone.get_by_role("button", name="登录", exact=True).click()
    phone.wait_for_url("**/cases/mine/")
    phone.get_by_text("已绑定微信").wait_for()
    phone.shot("wechat-1-linked")

    later = phone.context.browser.new_context(
        base_url=phone.url.split("/cases/")[0], viewport={"width": 390, "height": 844}
    ).new_page()
    later.goto("/accounts/resident/?next=/cases/mine/")
    later.get_by_role("link", name="微信登录").click()
    # (the browser keeps WeChat's "#wechat_redirect" through the redirects, as in WeChat)
    later.wait_for_url(lambda url: urlparse(url).path == "/cases/mine/")
    later.get_by_role("heading", name="我的诉求").wait_for()  # signed in: no sign-in page

    # On their own page they choose what comes by WeChat; the rest stays SMS.
    later.goto("/residents/me/")
    later.get_by_label("我的诉求进展").check()
    later.get_by_role("button", name="保存").click()
    later.get_by_text("微信通知设置已保存").wait_for()
    assert later.get_by_label("我的诉求进展").is_checked()
    assert not later.get_by_label("我报名的活动").is_checked()
    later.context.close()
