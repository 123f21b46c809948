"""The resolved text message carries a short link straight to rating, through the residents'
sign-in when the phone is not signed in."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cases import services
from cases.models import OutboxMessage
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db


def signin_next(response) -> str:
    return parse_qs(urlsplit(response.url).query)["next"][0]


def test_the_resolved_text_links_to_rating_and_sign_in_leads_there(
    world, report, client, settings, django_capture_on_commit_callbacks, fan_out
):
    settings.SITE_URL = "https://hgj.example.cn"
    case = report()
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    fan_out()

    text = OutboxMessage.objects.get(channel="sms", body__contains="已办结").body
    link = re.search(r"https://hgj\.example\.cn(/\S+)", text).group(1)
    assert link == reverse("cases:rate_link", args=[case.tracking_no])

    signin = client.get(link)  # the phone that got the message, not signed in
    assert signin.status_code == 302 and signin.url.startswith(reverse("resident_signin"))
    with django_capture_on_commit_callbacks(execute=True):  # the code's text goes out
        sent = client.post(
            reverse("resident_send_code"), {"mobile": world.R1.mobile, "next": signin_next(signin)}
        )
    page = client.get(sent.url)
    code = re.search(r"\d{6}", SmsMessage.objects.filter(mobile=world.R1.mobile).latest("id").body)
    form = page.content.decode().split('action="/accounts/resident/"')[1]  # the sign-in form
    nxt = re.search(r'name="next" value="([^"]*)"', form).group(1)
    signed_in = client.post(
        reverse("resident_signin"),
        {"mobile": world.R1.mobile, "code": code.group(), "consent": "on", "next": nxt},
    )

    mine = reverse("cases:mine_detail", args=[case.tracking_no])
    assert signed_in.url == mine + "#rate"
    assert 'id="rate"' in client.get(mine).content.decode()


def test_only_this_sites_pages_are_followed_after_sign_in(world, report, client):
    page = client.get(reverse("resident_signin"), {"next": "https://evil.example.com/"})

    form = page.content.decode().split('action="/accounts/resident/"')[1]
    assert 'name="next" value=""' in form
