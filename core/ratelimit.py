"""Fixed-window rate limits, counted by one statement in the database every process shares.

(The database cache took eight statements for the same count, on every API write.)
"""

import time

from django.db import connection

from core.errors import RateLimited
from core.models import RateCounter

_TABLE = RateCounter._meta.db_table
# A window opens at a key's first hit and lasts its length; a hit after it opens the next one.
_COUNT = (
    f"INSERT INTO {_TABLE} (name, window_end, hits) VALUES (%s, %s, 1) "
    "ON CONFLICT (name) DO UPDATE SET "
    f"hits = CASE WHEN {_TABLE}.window_end > %s THEN {_TABLE}.hits + 1 ELSE 1 END, "
    f"window_end = CASE WHEN {_TABLE}.window_end > %s THEN {_TABLE}.window_end "
    "ELSE excluded.window_end END "
    "RETURNING hits"
)


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; return True if the hit is within the limit."""
    now = time.time()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [key[:200], now + window_seconds, now, now])
        (hits,) = cursor.fetchone()
    return hits <= limit


def rate_limit_count(*, key: str) -> int:
    """The hits of the key's current window (0 when none is open)."""
    row = RateCounter.objects.filter(name=key[:200], window_end__gt=time.time()).first()
    return row.hits if row else 0


def rate_limit_check(*, key: str, limit: int, window_seconds: int, message=None) -> None:
    if not rate_limit_hit(key=key, limit=limit, window_seconds=window_seconds):
        raise RateLimited(message)


def rate_counters_purge(*, now: float | None = None) -> int:
    """Forget the windows that have ended (the worker's sweep)."""
    ended = now if now is not None else time.time()
    return RateCounter.objects.filter(window_end__lte=ended).delete()[0]
