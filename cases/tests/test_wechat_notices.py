"""Residents who link their WeChat and opt into a kind of notice get those notices as WeChat
template messages linking to the page, against the fake WeChat API on loopback (the `wechat`
fixture); everyone else, and anyone WeChat cannot reach, gets the text message."""

import pytest
from django.utils import timezone

from cases import services, worker
from cases.models import OutboxMessage
from orgs.models import WeChatNotice
from orgs.services import user_wechat_bind, user_wechat_notices_set
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(world, report, wechat, settings, fan_out):
    """R1 reports (and is told so), then links WeChat as oR1 and takes case notices by WeChat."""
    settings.SITE_URL = "https://hgj.example.cn"
    case = report()
    fan_out()
    user_wechat_bind(user=world.resident_user, openid="oR1")
    user_wechat_notices_set(user=world.resident_user, kinds=[WeChatNotice.CASE])
    return case


def _deliver() -> int:
    """The worker's round as far as delivery: the events fan out, then the outbox goes."""
    now = timezone.now()
    worker.fan_out_due(now=now)
    return worker.deliver_outbox(now=now)


def test_case_progress_reaches_the_resident_in_wechat_linking_to_the_case(world, linked, wechat):
    services.case_accept(case=linked, actor=world.manager)
    services.case_resolve(case=linked, actor=world.manager, note="已清理")
    _deliver()

    to_r1 = [body for token, body in wechat.sent if body["touser"] == "oR1"]
    site = "https://hgj.example.cn"
    assert [body["url"] for body in to_r1] == [
        f"{site}/cases/mine/{linked.tracking_no}/",  # accepted: the case page
        f"{site}/cases/r/{linked.tracking_no}/",  # resolved: straight to rating
    ]
    assert "已办结" in to_r1[1]["data"]["thing1"]["value"]
    texts = SmsMessage.objects.filter(mobile=world.R1.mobile).values_list("body", flat=True)
    assert [text for text in texts if "已受理" in text or "已办结" in text] == []  # no text too


def test_a_resident_who_did_not_opt_in_still_gets_the_text_message(world, linked, wechat):
    user_wechat_notices_set(user=world.resident_user, kinds=[WeChatNotice.ACTIVITY])
    services.case_accept(case=linked, actor=world.manager)
    _deliver()

    assert [body for token, body in wechat.sent if body["touser"] == "oR1"] == []
    assert SmsMessage.objects.filter(mobile=world.R1.mobile, body__contains="已受理").exists()


def test_when_wechat_refuses_the_resident_the_text_message_goes_instead(world, linked, wechat):
    wechat.refusing["oR1"] = 43101  # the person turned the account's messages off
    services.case_accept(case=linked, actor=world.manager)
    _deliver()

    assert SmsMessage.objects.filter(mobile=world.R1.mobile, body__contains="已受理").exists()
    message = OutboxMessage.objects.get(channel="wechat", recipient=str(world.resident_user.pk))
    assert message.state == OutboxMessage.State.SENT
    assert message.last_error == "sent by SMS instead: WeChat error 43101: refused"


def test_while_wechat_is_away_the_notice_waits_and_the_last_try_goes_by_text(
    world, linked, wechat, settings
):
    services.case_accept(case=linked, actor=world.manager)
    settings.WECHAT_API_BASE = "http://127.0.0.1:9"  # nothing listens: WeChat is away
    _deliver()
    message = OutboxMessage.objects.get(channel="wechat")
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1
    assert not SmsMessage.objects.filter(body__contains="已受理").exists()

    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=settings.OUTBOX_MAX_ATTEMPTS - 1, next_attempt_at=timezone.now()
    )
    _deliver()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert SmsMessage.objects.filter(mobile=world.R1.mobile, body__contains="已受理").exists()


def test_unlinking_wechat_drops_the_choice_and_notices_go_by_text(world, linked, wechat, fan_out):
    user_wechat_bind(user=world.resident_user, openid="")
    world.resident_user.refresh_from_db()
    assert world.resident_user.wechat_notices == []
    services.case_accept(case=linked, actor=world.manager)
    fan_out()

    assert not OutboxMessage.objects.filter(channel="wechat").exists()
    assert OutboxMessage.objects.filter(channel="sms", recipient=world.R1.mobile).exists()


def test_staff_are_not_texted_when_wechat_refuses_them(world, wechat):
    from cases.channels import DeliveryFailed, WeChatTemplateChannel

    user_wechat_bind(user=world.grid_worker, openid="oGRID")
    wechat.refusing["oGRID"] = 43004
    message = OutboxMessage.objects.create(
        channel="wechat",
        recipient=str(world.grid_worker.pk),
        body="FC20261125-0001 楼道漏水",
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    with pytest.raises(DeliveryFailed, match="43004"):
        WeChatTemplateChannel().send(message)
    assert not SmsMessage.objects.exists()
