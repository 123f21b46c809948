"""Writes for connected systems: registering one and its API key."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connect.models import ConnectedSystem
from connect.selectors import KEY_PREFIX, key_hash
from core.errors import validated


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
