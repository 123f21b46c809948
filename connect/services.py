"""Writes for connected systems: registering one and its API key, and a system's own webhooks."""

import secrets
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connect.models import ConnectedSystem, WebhookEvent, WebhookSubscription
from connect.selectors import KEY_PREFIX, key_hash
from core.errors import ApplicationError, Conflict, validated


def _key_new() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def system_create(
    *, name: str, kind: str, community=None, company=None, endpoint_url: str = ""
) -> tuple[ConnectedSystem, str]:
    """Register a system. Returns it and its API key: only the key's hash is stored, so the
    key cannot be shown again. The signing secret is generated here and shown in the admin."""
    user = get_user_model()(
        username=f"connect-{secrets.token_hex(6)}",
        full_name=f"{_('Connected system')} · {name.strip()}"[:50],
    )
    user.set_unusable_password()
    key = _key_new()
    system = ConnectedSystem(
        name=name.strip(),
        kind=kind,
        community=community,
        company=company,
        user=user,
        key_prefix=key[:12],
        key_hash=key_hash(key),
        endpoint_url=endpoint_url,
        secret_id=secrets.token_hex(4),
        signing_secret=secrets.token_hex(32),
    )
    validated(system, exclude=["user"])
    user.save()
    system.user = user
    system.save()
    return system, key


@transaction.atomic
def system_key_rotate(*, system: ConnectedSystem) -> str:
    """Issue a new API key; the old one stops working at once."""
    key = _key_new()
    system.key_prefix, system.key_hash, system.revoked_at = key[:12], key_hash(key), None
    system.save(update_fields=["key_prefix", "key_hash", "revoked_at"])
    return key


def system_key_revoke(*, system: ConnectedSystem, now=None) -> None:
    """Stop the system's key working, until a new one is issued."""
    system.revoked_at = now or timezone.now()
    system.save(update_fields=["revoked_at"])


# -- A system's own webhooks ---------------------------------------------------------------


class InvalidWebhook(ApplicationError):
    code = "invalid"
    status = 422


def _webhook_checked(system: ConnectedSystem, hook: WebhookSubscription) -> WebhookSubscription:
    """A system may send its events only to its own endpoint's host (scheme, host and port as
    registered in the admin), so that a key cannot make us POST anywhere else."""
    if not system.endpoint_url:
        raise Conflict(
            _("This system has no endpoint: ask the platform's administrator to register one."),
            code="no_endpoint",
        )
    endpoint, url = urlsplit(system.endpoint_url), urlsplit(hook.url)
    if (url.scheme, url.netloc) != (endpoint.scheme, endpoint.netloc):
        raise InvalidWebhook(
            _("The URL must be on your endpoint's host: %(host)s")
            % {"host": f"{endpoint.scheme}://{endpoint.netloc}"},
            data={"fields": {"url": ["not your endpoint's host"]}},
        )
    unknown = sorted(set(hook.events) - set(WebhookEvent.values))
    if not hook.events or unknown:
        raise InvalidWebhook(
            _("Choose the events to send."),
            data={"fields": {"events": [f"unknown: {', '.join(unknown)}" if unknown else "empty"]}},
        )
    hook.events = [e for e in WebhookEvent.values if e in hook.events]
    validated(hook)
    return hook


def webhook_create(
    *, system: ConnectedSystem, name: str, url: str, events: list[str], is_active: bool = True
) -> WebhookSubscription:
    """A webhook of the system's own: the cases of its scope, signed with its key."""
    hook = WebhookSubscription(
        system=system, name=name.strip(), url=url, events=list(events), is_active=is_active
    )
    _webhook_checked(system, hook).save()
    return hook


def webhook_update(*, system: ConnectedSystem, hook: WebhookSubscription, **fields) -> None:
    """Change the fields given (name, url, events, is_active); all or nothing."""
    for name, value in fields.items():
        setattr(hook, name, value.strip() if name == "name" else value)
    _webhook_checked(system, hook).save(update_fields=[*fields])


def webhook_delete(*, hook: WebhookSubscription) -> None:
    """Remove it: messages still waiting for it are not sent (the delivery log says why)."""
    hook.delete()
