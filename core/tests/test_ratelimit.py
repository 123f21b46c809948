from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.models import RateCounter
from core.ratelimit import rate_counters_purge, rate_limit_hit

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 27, 9, 0, 5, tzinfo=UTC)


def test_hits_beyond_the_limit_are_refused_until_the_window_ends():
    with time_machine.travel(START, tick=False) as clock:
        assert [rate_limit_hit(key="k", limit=2, window_seconds=60) for _ in range(3)] == [
            True,
            True,
            False,
        ]
        clock.move_to(START + timedelta(seconds=59))  # the window opened at the first hit
        assert not rate_limit_hit(key="k", limit=2, window_seconds=60)
        clock.move_to(START + timedelta(seconds=60))  # a new window
        assert rate_limit_hit(key="k", limit=2, window_seconds=60)
        assert rate_limit_hit(key="k", limit=2, window_seconds=60)
        assert not rate_limit_hit(key="k", limit=2, window_seconds=60)


def test_keys_count_apart():
    with time_machine.travel(START, tick=False):
        assert rate_limit_hit(key="a", limit=1, window_seconds=60)
        assert rate_limit_hit(key="b", limit=1, window_seconds=60)
        assert not rate_limit_hit(key="a", limit=1, window_seconds=60)


def test_the_worker_forgets_ended_windows_only():
    with time_machine.travel(START, tick=False):
        rate_limit_hit(key="minute", limit=5, window_seconds=60)
        rate_limit_hit(key="hour", limit=5, window_seconds=3600)
    assert rate_counters_purge(now=(START + timedelta(minutes=2)).timestamp()) == 1
    assert list(RateCounter.objects.values_list("name", flat=True)) == ["hour"]
