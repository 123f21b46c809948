"""The one clock against an independent, deliberately naive count, minute by minute.

Production starts every clock from `timezone.now()`, which is UTC; people read deadlines in
Beijing time. The oracle below knows nothing of the clock's code: it moves a Beijing wall
clock (a fixed +08:00) forward one minute at a time and counts the seconds that fall inside
office hours on working days of the seeded calendar.
"""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from catalog.models import CalendarDay, CalendarYear
from catalog.selectors import deadline_compute

pytestmark = pytest.mark.django_db

BEIJING = timezone(timedelta(hours=8))
EPOCH = datetime(2025, 12, 1, tzinfo=BEIJING)  # local midnight; the oracle counts from here
DAYS = 900  # through mid-2028
OFFICE = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))  # minutes of the local day
IN_OFFICE = [any(a <= m < b for a, b in OFFICE) for m in range(24 * 60)]
# The clocks' usual sizes; 10 working days span a whole holiday week.
AMOUNTS = {"working_hours": [1, 2, 3, 4, 8], "working_days": [1, 1, 2, 2, 5, 5, 10]}


def seeded_calendar():
    """Day n after EPOCH -> (working day?, year entered?), straight from the seeded rows."""
    known = set(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
    days = []
    for n in range(DAYS):
        day = EPOCH.date() + timedelta(days=n)
        weekday_rule = day.weekday() < 5
        if day.year in known:
            days.append((exceptions.get(day, weekday_rule), True))
        else:
            days.append((weekday_rule, False))
    return days


def oracle(start: datetime, minutes: int, days) -> tuple[datetime, bool]:
    """Seconds since EPOCH, one minute at a time: count what lies inside office minutes of
    working days until `minutes` are used. Provisional if any day walked is not entered."""
    t = int((start - EPOCH).total_seconds())
    remaining = minutes * 60
    provisional = False
    while True:
        day, second = divmod(t, 86400)
        workday, known = days[day]
        provisional = provisional or not known
        left = 60 - second % 60  # to the end of this minute
        if workday and IN_OFFICE[second // 60]:
            if remaining <= left:
                return EPOCH + timedelta(seconds=t + remaining), provisional
            remaining -= left
        t += left


def random_starts(rng: random.Random) -> list[datetime]:
    """Instants in Beijing time: spread over the windows that matter, plus the edges."""
    windows = [
        (date(2026, 1, 1), date(2026, 12, 31)),  # an ordinary year
        (date(2026, 2, 6), date(2026, 3, 3)),  # Spring Festival, 调休 Sat 14 and 28 Feb
        (date(2026, 9, 14), date(2026, 10, 14)),  # 中秋, National Day, 调休 Sun 20 Sep, Sat 10 Oct
        (date(2026, 12, 18), date(2027, 1, 12)),  # into 2027, not entered yet
        (date(2027, 5, 1), date(2028, 3, 1)),  # wholly provisional
    ]
    starts = []
    for first, last in windows:
        span = (last - first).days
        for _ in range(400):
            day = first + timedelta(days=rng.randrange(span))
            at = datetime.combine(day, time(), BEIJING) + timedelta(seconds=rng.randrange(86400))
            starts.append(at)
    edges = [
        time(0, 0),  # local midnight
        time(8, 0),  # UTC midnight
        time(8, 29, 59),
        time(8, 30),
        time(11, 59, 59),
        time(12, 0),
        time(13, 30),
        time(17, 29, 59),
        time(17, 30),
        time(18, 45),  # Friday evening, after work
        time(23, 59, 59),
    ]
    special_days = [
        date(2026, 2, 13),  # Friday before the 调休 Saturday of Spring Festival
        date(2026, 2, 14),  # 调休 Saturday
        date(2026, 2, 15),
        date(2026, 2, 27),
        date(2026, 2, 28),  # 调休 Saturday
        date(2026, 9, 18),
        date(2026, 9, 20),  # 调休 Sunday
        date(2026, 9, 24),
        date(2026, 9, 30),
        date(2026, 10, 9),  # Friday before the 调休 Saturday
        date(2026, 10, 10),  # 调休 Saturday
        date(2026, 11, 27),  # an ordinary Friday
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 2, 5),
    ]
    for day in special_days:
        for moment in edges:
            starts.append(datetime.combine(day, moment, BEIJING))
    return starts


def test_the_clock_agrees_with_a_minute_by_minute_count_from_utc_and_beijing_starts():
    rng = random.Random(20261125)
    days = seeded_calendar()
    assert days[(date(2026, 2, 14) - EPOCH.date()).days] == (True, True)  # 调休 is in the seed
    assert days[(date(2026, 10, 1) - EPOCH.date()).days] == (False, True)
    assert days[(date(2027, 1, 1) - EPOCH.date()).days] == (True, False)  # 2027 not entered
    checked = provisional = 0
    for start in random_starts(rng):
        unit = rng.choice(list(AMOUNTS))
        amount = rng.choice(AMOUNTS[unit])
        minutes = amount * (60 if unit == "working_hours" else 450)
        expected_at, expected_provisional = oracle(start, minutes, days)
        for given in (start.astimezone(UTC), start):
            deadline = deadline_compute(start=given, amount=amount, unit=unit)
            assert (deadline.at, deadline.provisional) == (expected_at, expected_provisional), (
                given.isoformat(),
                amount,
                unit,
            )
            assert deadline.at.utcoffset() == given.utcoffset()  # UTC in, UTC out
            checked += 1
        provisional += expected_provisional
    assert checked > 4000
    assert 600 < provisional < checked // 2 - 600  # both kinds are well represented


def test_natural_clocks_count_elapsed_time_whatever_the_zone():
    rng = random.Random(7)
    for start in random_starts(rng)[:300]:
        for given in (start.astimezone(UTC), start):
            deadline = deadline_compute(start=given, amount=7, unit="days")
            assert deadline.at == start + timedelta(days=7)
            assert deadline.provisional is False
