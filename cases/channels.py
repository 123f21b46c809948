"""Delivery channels for outbox messages. Each has `send(message)`; any exception is a failed
attempt (the worker retries it). Every message carries its outbox id, the same on each retry,
so a receiver can drop a repeat."""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache

from cases.models import OutboxMessage
from residents.sms import sms_send

logger = logging.getLogger("hgj.notify")


class DeliveryFailed(Exception):
    final = False  # retrying will not help


class Unreachable(DeliveryFailed):
    """The channel cannot reach this person at all (no address, refused)."""

    final = True


class LogChannel:
    def send(self, message) -> None:
        logger.info("notify %s (message %s): %s", message.recipient, message.pk, message.body)


class SmsChannel:
    def send(self, message) -> None:
        if not message.recipient:
            raise DeliveryFailed("no mobile number")
        sms_send(mobile=message.recipient, body=message.body, message_id=str(message.pk))


def _http(url: str, payload: dict | None = None, headers: dict | None = None) -> bytes:
    """GET (or POST `payload` as JSON) and return the body of a 2xx answer; else raise."""
    data = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method="POST" if data else "GET",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as exc:  # urllib follows redirects and raises on the rest
        raise DeliveryFailed(f"HTTP {exc.code}") from None
    except OSError as exc:  # no answer: refused, timed out, no such host
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None


def _http_json(url: str, payload: dict | None = None) -> dict:
    try:
        return json.loads(_http(url, payload) or b"{}")
    except ValueError:
        raise DeliveryFailed("the answer is not JSON") from None


class WebhookChannel:
    """POSTs {"id", "recipient", "body"} as JSON to NOTIFY_WEBHOOK_URL (e.g. an in-house
    gateway), with the id also in an `Idempotency-Key` header. Any 2xx answer is delivery."""

    def send(self, message) -> None:
        if not settings.NOTIFY_WEBHOOK_URL:
            raise DeliveryFailed("NOTIFY_WEBHOOK_URL is not set")
        _http(
            settings.NOTIFY_WEBHOOK_URL,
            {"id": message.pk, "recipient": message.recipient, "body": message.body},
            {"Idempotency-Key": str(message.pk)},
        )


class WeChatTemplateChannel:
    """A WeChat official-account template message to the person's openid, linking to the page
    it concerns (`message.link`, on `SITE_URL`).

    The access token (two hours) is kept in the shared cache, so all processes share one; an
    answer saying it expired drops it, and the outbox retry fetches a new one. A resident
    WeChat cannot reach (unlinked, not following the account, refusing its messages) or that
    WeChat failed for the last time gets the text message instead: SMS is the fallback.
    """

    TOKEN_KEY = "wechat:access-token"
    TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired access token
    UNREACHABLE = {40003, 43004, 43101}  # no such openid, not a follower, refuses messages

    def send(self, message) -> None:
        try:
            self._send(message)
        except DeliveryFailed as failure:
            last = message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            mobile = self._resident_mobile(message) if failure.final or last else ""
            if not mobile:
                raise
            sms_send(mobile=mobile, body=message.body, message_id=str(message.pk))
            OutboxMessage.objects.filter(pk=message.pk).update(
                last_error=f"sent by SMS instead: {failure}"[:500]
            )

    def _send(self, message) -> None:
        from orgs.models import User
        from orgs.selectors import wechat_messages_enabled

        if not wechat_messages_enabled():
            raise Unreachable("WeChat is not configured (WECHAT_APP_ID/SECRET/TEMPLATE_ID)")
        openid = (
            User.objects.filter(pk=int(message.recipient))
            .values_list("wechat_openid", flat=True)
            .first()
            if message.recipient.isdigit()
            else None
        )
        if not openid:
            raise Unreachable("no WeChat openid for this user")
        payload = {
            "touser": openid,
            "template_id": settings.WECHAT_TEMPLATE_ID,
            # WeChat sends one message per openid and client_msg_id (for 10 minutes).
            "client_msg_id": str(message.pk),
            "data": {settings.WECHAT_TEMPLATE_FIELD: {"value": message.body}},
        }
        if message.link and settings.SITE_URL:
            payload["url"] = settings.SITE_URL.rstrip("/") + message.link
        answer = _http_json(
            f"{settings.WECHAT_API_BASE}/cgi-bin/message/template/send?access_token={self._token()}",
            payload,
        )
        errcode = answer.get("errcode", 0)
        if errcode in self.TOKEN_ERRORS:
            cache.delete(self.TOKEN_KEY)
        if errcode:
            failed = Unreachable if errcode in self.UNREACHABLE else DeliveryFailed
            raise failed(f"WeChat error {errcode}: {answer.get('errmsg', '')}")

    @staticmethod
    def _resident_mobile(message) -> str:
        from residents.models import Resident

        if not message.recipient.isdigit():
            return ""
        mobiles = Resident.objects.filter(user_id=int(message.recipient)).values_list(
            "mobile", flat=True
        )
        return next((mobile for mobile in mobiles if mobile), "")

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
