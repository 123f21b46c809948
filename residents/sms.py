"""Pluggable text-message sending. The default backend records to an outbox table and logs.

A backend is a class with `send(*, mobile, body, message_id)`. `message_id` is the outbox
message's id, the same on every retry of one message (empty for sign-in codes, which are sent
once): give it to the gateway's de-duplication field if it has one. Whatever `send` raises is a
failed attempt, retried with backoff.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from residents.masking import mask_mobile

logger = logging.getLogger("hgj.sms")


class OutboxBackend:
    """Keeps every message in `SmsMessage` (readable in the admin) and writes it to the log."""

    def send(self, *, mobile: str, body: str, message_id: str) -> None:
        from residents.models import SmsMessage

        SmsMessage.objects.create(mobile=mobile, body=body)
        logger.info("SMS to %s: %s", mask_mobile(mobile), body)


def sms_send(*, mobile: str, body: str, message_id: str = "") -> None:
    import_string(settings.SMS_BACKEND)().send(mobile=mobile, body=body, message_id=message_id)
