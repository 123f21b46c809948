"""Delivery channels for outbox messages. Each has `send(message)`; failure raises."""

import json
import logging
import urllib.request

from django.conf import settings

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


class WebhookChannel:
    """POSTs {"recipient", "body"} as JSON to NOTIFY_WEBHOOK_URL (e.g. a WeChat gateway)."""

    def send(self, message) -> None:
        if not settings.NOTIFY_WEBHOOK_URL:
            raise DeliveryFailed("NOTIFY_WEBHOOK_URL is not set")
        payload = json.dumps({"recipient": message.recipient, "body": message.body}).encode()
        request = urllib.request.Request(
            settings.NOTIFY_WEBHOOK_URL,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status >= 300:
                    raise DeliveryFailed(f"HTTP {response.status}")
        except OSError as exc:
            raise DeliveryFailed(str(exc)) from None


CHANNELS = {"log": LogChannel(), "sms": SmsChannel(), "webhook": WebhookChannel()}
