"""Fixed-window rate limits on the shared cache, so every process sees the same counts."""

from django.core.cache import cache

from core.errors import RateLimited


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; return True if the hit is within the limit."""
    cache_key = f"rl:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def rate_limit_check(*, key: str, limit: int, window_seconds: int, message=None) -> None:
    if not rate_limit_hit(key=key, limit=limit, window_seconds=window_seconds):
        raise RateLimited(message)
