"""The outbox channel of everything we send to other systems (a connected system's answers,
webhooks): one signed POST of the stored body to the address of its recipient, found when it
is sent, so a new address or secret applies to what is still waiting."""

import json
import urllib.error
import urllib.request

from django.utils import timezone

from cases.channels import DeliveryFailed
from connect.models import ConnectedSystem, WebhookSubscription
from connect.signing import signed_headers

MESSAGE_ID = "X-Hgj-Message-Id"
WEBHOOK_FIELDS = (
    "url",
    "secret_id",
    "signing_secret",
    "system__secret_id",
    "system__signing_secret",
)
TIMEOUT_SECONDS = 10


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other that is not 2xx: a failed attempt


_opener = urllib.request.build_opener(_NoRedirects)


def destination(recipient: str) -> tuple[str, str, str]:
    """(URL, key id, secret) of an outbox recipient: `system:<id>` or `webhook:<id>`, read
    with only those columns: the delivery of every message asks."""
    kind, _, pk = recipient.partition(":")
    if kind == "system":
        found = ConnectedSystem.objects.filter(pk=pk).values_list(
            "endpoint_url", "secret_id", "signing_secret"
        )[:1]
        if not found or not found[0][0]:
            raise DeliveryFailed("the connected system has no endpoint")
        return found[0]
    if kind == "webhook":
        found = list(
            WebhookSubscription.objects.filter(pk=pk, is_active=True)
            .select_related("system")
            .only(*WEBHOOK_FIELDS)[:1]
        )
        if not found:
            raise DeliveryFailed("the webhook was removed or switched off")
        return (found[0].url, *found[0].key)
    raise DeliveryFailed(f"unknown recipient {recipient}")


def post_signed(*, url: str, key_id: str, secret: str, body: bytes, message_id: int) -> None:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        MESSAGE_ID: str(message_id),
        **signed_headers(key_id=key_id, secret=secret, body=body, now=timezone.now()),
    }
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise DeliveryFailed(str(exc.reason)) from None


class ConnectChannel:
    """Any 2xx answer is delivery; anything else (an error status, a redirect, a refused or
    dropped connection) is a failed attempt, retried by the worker."""

    def send(self, message) -> None:
        url, key_id, secret = destination(message.recipient)
        post_signed(
            url=url, key_id=key_id, secret=secret, body=message.body.encode(), message_id=message.pk
        )


def message_body(message) -> dict:
    """A delivery's JSON body, as its log shows it."""
    try:
        body = json.loads(message.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
