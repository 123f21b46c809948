"""Delivery channels for outbox messages. Each has `send(message)`; failure raises."""

import json
import logging
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache

from residents.sms import sms_send

logger = logging.getLogger("hgj.notify")


class DeliveryFailed(Exception):
    pass


class LogChannel:
    def send(self, message) -> None:
        logger.info("notify %s: %s", message.recipient, message.body)


class SmsChannel:
    def send(self, message) -> None:
        if not message.recipient:
            raise DeliveryFailed("no mobile number")
        sms_send(mobile=message.recipient, body=message.body)


def _http_json(url: str, payload: dict | None = None) -> dict:
    """GET (or POST `payload` as JSON) and return the JSON answer; any failure raises."""
    data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise DeliveryFailed(f"HTTP {response.status}")
            body = response.read()
    except OSError as exc:
        raise DeliveryFailed(str(exc)) from None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise DeliveryFailed("the answer is not JSON") from None


class WebhookChannel:
    """POSTs {"recipient", "body"} as JSON to NOTIFY_WEBHOOK_URL (e.g. an in-house gateway)."""

    def send(self, message) -> None:
        if not settings.NOTIFY_WEBHOOK_URL:
            raise DeliveryFailed("NOTIFY_WEBHOOK_URL is not set")
        _http_json(
            settings.NOTIFY_WEBHOOK_URL, {"recipient": message.recipient, "body": message.body}
        )


class WeChatTemplateChannel:
    """A WeChat official-account template message to the staff member's openid.

    The access token (two hours) is kept in the shared cache, so all processes share one; an
    answer saying it expired drops it, and the outbox retry fetches a new one.
    """

    TOKEN_KEY = "wechat:access-token"
    TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access token

    def send(self, message) -> None:
        from orgs.models import User

        if not (
            settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET and settings.WECHAT_TEMPLATE_ID
        ):
            raise DeliveryFailed("WeChat is not configured (WECHAT_APP_ID/SECRET/TEMPLATE_ID)")
        openid = (
            User.objects.filter(pk=int(message.recipient))
            .values_list("wechat_openid", flat=True)
            .first()
            if message.recipient.isdigit()
            else None
        )
        if not openid:
            raise DeliveryFailed("no WeChat openid for this user")
        answer = _http_json(
            f"{settings.WECHAT_API_BASE}/cgi-bin/message/template/send?access_token={self._token()}",
            {
                "touser": openid,
                "template_id": settings.WECHAT_TEMPLATE_ID,
                "data": {settings.WECHAT_TEMPLATE_FIELD: {"value": message.body}},
            },
        )
        errcode = answer.get("errcode", 0)
        if errcode in self.TOKEN_ERRORS:
            cache.delete(self.TOKEN_KEY)
        if errcode:
            raise DeliveryFailed(f"WeChat error {errcode}: {answer.get('errmsg', '')}")

    def _token(self) -> str:
        token = cache.get(self.TOKEN_KEY)
        if token:
            return token
        query = urllib.parse.urlencode(
            {
                "grant_type": "client_credential",
                "appid": settings.WECHAT_APP_ID,
                "secret": settings.WECHAT_APP_SECRET,
            }
        )
        answer = _http_json(f"{settings.WECHAT_API_BASE}/cgi-bin/token?{query}")
        token = answer.get("access_token")
        if not token:
            raise DeliveryFailed(f"WeChat token refused: {answer.get('errmsg', answer)}")
        cache.set(self.TOKEN_KEY, token, timeout=max(60, int(answer.get("expires_in", 7200)) - 300))
        return token


CHANNELS = {
    "log": LogChannel(),
    "sms": SmsChannel(),
    "webhook": WebhookChannel(),
    "wechat": WeChatTemplateChannel(),
}
