"""Sign-in through WeChat's web authorization, against a WeChat API on loopback (`wechat`)."""

import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import User
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db
MOBILE = "13800009999"


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # see WeChat's redirect instead of following it


def _through_wechat(client, next_url=""):
    """What a phone's browser does: our start page, WeChat's authorization page, and back."""
    start = client.get(reverse("wechat_start"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    try:
        urllib.request.build_opener(_Stay).open(start["Location"].split("#")[0], timeout=5)
    except urllib.error.HTTPError as redirect:
        back = urlparse(redirect.headers["Location"])
    return client.get(back.path, {k: v[0] for k, v in parse_qs(back.query).items()})


def _sign_in_by_code(client, captured, mobile=MOBILE):
    with captured(execute=True):
        client.post(reverse("resident_send_code"), {"mobile": mobile})
    code = re.search(r"\d{6}", SmsMessage.objects.filter(mobile=mobile).latest("pk").body).group()
    return client.post(
        reverse("resident_signin"), {"mobile": mobile, "code": code, "consent": "on"}
    )


def test_without_an_app_id_there_is_no_wechat_sign_in(client):
    assert "微信登录" not in client.get(reverse("resident_signin")).content.decode()
    assert client.get(reverse("wechat_start")).status_code == 404
    assert client.get(reverse("wechat_done"), {"code": "x", "state": "y"}).status_code == 404


def test_a_new_wechat_links_after_one_sms_sign_in_and_then_signs_in_alone(
    wechat, client, django_capture_on_commit_callbacks
):
    assert "微信登录" in client.get(reverse("resident_signin")).content.decode()

    back = _through_wechat(client, next_url="/cases/mine/")
    assert back.status_code == 302 and back["Location"].startswith(reverse("resident_signin"))
    assert "_auth_user_id" not in client.session  # the openid alone signs nobody in
    page = client.get(back["Location"]).content.decode()
    assert "data-linking-wechat" in page

    signed_in = _sign_in_by_code(client, django_capture_on_commit_callbacks)
    assert signed_in.status_code == 302
    user = User.objects.get(wechat_openid="oPHONE")
    assert user.resident.mobile == MOBILE

    later = Client()
    again = _through_wechat(later, next_url="/cases/mine/")
    assert again["Location"] == "/cases/mine/"
    assert later.session["_auth_user_id"] == str(user.pk)


def test_a_forged_or_stale_return_signs_nobody_in_and_asks_wechat_nothing(wechat, client):
    client.get(reverse("wechat_start"))
    forged = client.get(reverse("wechat_done"), {"code": "abc", "state": "not-ours"}, follow=True)
    assert "不是从这里开始的" in forged.content.decode()
    assert "_auth_user_id" not in client.session

    odd = client.get(reverse("wechat_start"))
    assert odd.status_code == 302
    refused = client.get(reverse("wechat_done"), {"code": "abc", "state": "状态"}, follow=True)
    assert refused.status_code == 200 and "不是从这里开始的" in refused.content.decode()

    fresh = Client()
    unasked = fresh.get(reverse("wechat_done"), {"code": "abc", "state": ""}, follow=True)
    assert "不是从这里开始的" in unasked.content.decode()
    assert "_auth_user_id" not in fresh.session


def test_a_code_wechat_refuses_is_a_clear_message(wechat, client):
    start = client.get(reverse("wechat_start"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    refused = client.get(reverse("wechat_done"), {"code": "used-or-made-up", "state": state})
    page = client.get(refused["Location"]).content.decode()
    assert "微信登录未成功" in page
    assert "_auth_user_id" not in client.session


def test_staff_link_their_wechat_from_their_account_and_it_leaves_an_earlier_account(
    wechat, world, client_for
):
    world.grid_worker.wechat_openid = "oPHONE"
    world.grid_worker.save()
    client = client_for(world.secretary)
    account = client.get(reverse("api_tokens")).content.decode()
    assert "绑定微信" in account

    linked = _through_wechat(client, next_url=reverse("api_tokens"))
    assert linked["Location"] == reverse("api_tokens")
    world.secretary.refresh_from_db()
    world.grid_worker.refresh_from_db()
    assert (world.secretary.wechat_openid, world.grid_worker.wechat_openid) == ("oPHONE", "")

    client.post(reverse("wechat_unlink"), {"next": reverse("api_tokens")})
    world.secretary.refresh_from_db()
    assert world.secretary.wechat_openid == ""
    assert "_auth_user_id" not in Client().session


# ---------------------------------------------------------------------------------------------
# Which notices come by WeChat: chosen per kind, on the resident's own page


def test_a_linked_resident_chooses_which_notices_come_by_wechat(resident_client, world, wechat):
    from orgs.services import user_wechat_bind

    page = reverse("residents:mine")
    assert "data-wechat-notices" not in resident_client.get(page).content.decode()  # not linked

    user_wechat_bind(user=world.resident_user, openid="oR1")
    html = resident_client.get(page).content.decode()
    assert "我的诉求进展" in html and "我报名的活动" in html
    assert not re.search(r'value="(case|activity)"[^>]*checked', html)  # opted into nothing yet
    saved = resident_client.post(reverse("wechat_notices"), {"kinds": ["activity"], "next": page})
    assert saved.url == page
    world.resident_user.refresh_from_db()
    assert world.resident_user.wechat_notices == ["activity"]
    html = resident_client.get(page).content.decode()
    assert re.search(r'value="activity"[^>]*checked', html)
    assert "已保存" in html


def test_a_kind_not_offered_or_an_unlinked_wechat_changes_nothing(resident_client, world, wechat):
    from orgs.services import user_wechat_bind

    refused = resident_client.post(reverse("wechat_notices"), {"kinds": ["case"]}, follow=True)
    assert "请先绑定微信" in refused.content.decode()
    user_wechat_bind(user=world.resident_user, openid="oR1")
    resident_client.post(reverse("wechat_notices"), {"kinds": ["case", "lottery"]})
    world.resident_user.refresh_from_db()
    assert world.resident_user.wechat_notices == []
