"""Delivery channels against a real HTTP server standing in for the WeChat API (the `wechat`
fixture)."""

import pytest
from django.conf import settings as django_settings

from cases.channels import DeliveryFailed, WeChatTemplateChannel
from cases.models import OutboxMessage
from cases.tests.conftest import T0


def _message(user) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel="wechat",
        recipient=str(user.pk),
        body="FC20261125-0001 楼道漏水",
        created_at=T0,
        next_attempt_at=T0,
    )


def test_template_message_reaches_the_staff_openid_with_one_shared_token(world, wechat):
    world.grid_worker.wechat_openid = "oGRID"
    world.grid_worker.save()
    channel = WeChatTemplateChannel()
    message = _message(world.grid_worker)
    channel.send(message)
    channel.send(_message(world.grid_worker))
    assert wechat.tokens_issued == 1
    token, body = wechat.sent[0]
    assert token == "T1"
    assert body == {
        "touser": "oGRID",
        "template_id": "TPL",
        "client_msg_id": str(message.pk),  # WeChat drops a repeat of the same message
        "data": {"thing1": {"value": "FC20261125-0001 楼道漏水"}},
    }


def test_an_expired_token_fails_this_attempt_and_the_retry_gets_a_new_one(world, wechat):
    world.grid_worker.wechat_openid = "oGRID"
    world.grid_worker.save()
    channel = WeChatTemplateChannel()
    wechat.expire_next = True
    with pytest.raises(DeliveryFailed, match="42001"):
        channel.send(_message(world.grid_worker))
    channel.send(_message(world.grid_worker))
    assert wechat.tokens_issued == 2 and wechat.sent[-1][0] == "T2"


def test_without_an_openid_or_configuration_delivery_fails_clearly(world, wechat, settings):
    with pytest.raises(DeliveryFailed, match="openid"):
        WeChatTemplateChannel().send(_message(world.grid_worker))
    settings.WECHAT_APP_SECRET = ""
    with pytest.raises(DeliveryFailed, match="not configured"):
        WeChatTemplateChannel().send(_message(world.grid_worker))
    assert wechat.sent == []


@pytest.mark.parametrize("channel", django_settings.STAFF_NOTIFICATION_CHANNELS)
def test_every_staff_channel_offered_files_a_report_and_tells_staff_on_it(
    report, settings, channel, fan_out
):
    settings.STAFF_NOTIFICATION_CHANNEL = channel
    case = report()
    fan_out()

    staff = OutboxMessage.objects.filter(notification__isnull=False).exclude(
        recipient=case.resident.mobile
    )
    assert staff.exists() and set(staff.values_list("channel", flat=True)) == {channel}
