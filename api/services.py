"""API tokens: created and revoked by their owner (or an administrator)."""

import secrets
from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken, token_hash
from core.errors import ApplicationError, NotFound

TOKEN_PREFIX = "hgj_"


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its key; the key is not stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("A token needs a name.", code="invalid")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:50], prefix=key[:8], key_hash=token_hash(key)
    )
    return token, key


def token_revoke(*, user, token_id: int) -> None:
    updated = (
        ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True)
        .filter(user=user)
        .update(revoked_at=timezone.now())
    )
    if not updated:
        raise NotFound()


LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_user(*, key: str):
    """The active user a key belongs to, or None. Records the use (to the minute: one write
    a minute per token, not one per request)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
