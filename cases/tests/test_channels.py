"""Delivery channels against a real HTTP server standing in for the WeChat API."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from cases.channels import DeliveryFailed, WeChatTemplateChannel
from cases.models import OutboxMessage
from cases.tests.conftest import T0


class FakeWeChat(BaseHTTPRequestHandler):
    tokens_issued = 0
    sent: list = []
    expire_next = False

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/cgi-bin/token" and query["secret"] == ["s3cret"]:
            FakeWeChat.tokens_issued += 1
            self._json({"access_token": f"T{FakeWeChat.tokens_issued}", "expires_in": 7200})
        else:
            self._json({"errcode": 40125, "errmsg": "invalid appsecret"})

    def do_POST(self):
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = parse_qs(url.query)["access_token"][0]
        if FakeWeChat.expire_next:
            FakeWeChat.expire_next = False
            self._json({"errcode": 42001, "errmsg": "access_token expired"})
            return
        FakeWeChat.sent.append((token, body))
        self._json({"errcode": 0, "errmsg": "ok"})

    def _json(self, data):
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def wechat(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeWeChat.tokens_issued, FakeWeChat.sent, FakeWeChat.expire_next = 0, [], False
    settings.WECHAT_API_BASE = f"http://127.0.0.1:{server.server_port}"
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = "wx1", "s3cret"
    settings.WECHAT_TEMPLATE_ID, settings.WECHAT_TEMPLATE_FIELD = "TPL", "thing1"
    yield FakeWeChat
    server.shutdown()


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
