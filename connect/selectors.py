"""Reads for connected systems."""

import hashlib

from connect.models import ConnectedSystem

KEY_PREFIX = "hgjc_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def system_for_key(*, key: str | None) -> ConnectedSystem | None:
    """The connected system whose live key this is, or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return (
        ConnectedSystem.objects.select_related("community", "company", "user")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )
