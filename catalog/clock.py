"""The one clock computation of the codebase: SLA deadlines for cases.

Natural clocks run through nights, weekends and holidays. Working clocks count only
minutes inside office periods on working days, following the Chinese calendar
(statutory holidays off, adjusted workdays 调休 on). Office hours and days are those of one
time zone (the platform's: Asia/Shanghai), whatever zone a start is given in: `timezone.now()`
is UTC, and 08:30 UTC is 16:30 in Beijing. Pure Python, no Django.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

# Past this many days without consuming the minutes, the walk gives up (ValueError).
MAX_WALK_DAYS = 3 * 366

# chinese_calendar's Holiday enum member names -> Chinese names.
HOLIDAY_NAMES_ZH = {
    "new_years_day": "元旦",
    "spring_festival": "春节",
    "tomb_sweeping_day": "清明节",
    "labour_day": "劳动节",
    "dragon_boat_festival": "端午节",
    "mid_autumn_festival": "中秋节",
    "national_day": "国庆节",
    "anti_fascist_70th_day": "抗战胜利70周年纪念日",
}
ADJUSTED_WORKDAY_NAME = "调休"


@dataclass(frozen=True)
class OfficeHours:
    # Ordered, non-overlapping working periods within a working day, local wall-clock time.
    periods: tuple[tuple[time, time], ...] = (
        (time(8, 30), time(12, 0)),
        (time(13, 30), time(17, 30)),
    )

    def __post_init__(self):
        if not self.periods:
            raise ValueError("Office hours need at least one period.")
        previous_end = None
        for period_start, period_end in self.periods:
            if period_start >= period_end:
                raise ValueError(f"Office period {period_start}-{period_end} is empty.")
            if previous_end is not None and period_start < previous_end:
                raise ValueError("Office periods must be ordered and must not overlap.")
            previous_end = period_end

    @cached_property
    def day_minutes(self) -> int:
        """Working minutes in one full working day (450 with the defaults)."""
        total = timedelta()
        for period_start, period_end in self.periods:
            total += _combine(date.min, period_end) - _combine(date.min, period_start)
        return int(total.total_seconds() // 60)


DEFAULT_OFFICE_HOURS = OfficeHours()


# Office hours are on this wall clock and calendar days are its dates (the selectors pass
# settings.TIME_ZONE).
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DayCalendar:
    """What is known about days: exceptions to the weekday rule, per announced year."""

    # date -> is_workday: statutory holidays on weekdays -> False, adjusted workdays -> True.
    exceptions: Mapping[date, bool]
    # Years whose official schedule is entered.
    known_years: frozenset[int]
    # date -> the exception's name (春节, 调休, …), where there is one.
    names: Mapping[date, str] = field(default_factory=dict)

    def is_workday(self, day: date) -> bool:
        """Monday to Friday, except as the year's entered schedule says. A year not entered
        yet is Monday to Friday whatever days were entered for it (`is_known` tells)."""
        if self.is_known(day) and day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday that makes a weekday a day off, else None."""
        if self.is_known(day) and self.exceptions.get(day) is False:
            return self.names.get(day, "")
        return None

    def is_known(self, day: date) -> bool:
        return day.year in self.known_years


@dataclass(frozen=True)
class Deadline:
    at: datetime  # timezone-aware, in the start's tzinfo
    provisional: bool  # True if a day of a year not in known_years decided working time


def compute_deadline(
    *,
    start: datetime,
    minutes: int,
    working: bool,
    calendar: DayCalendar,
    office: OfficeHours = DEFAULT_OFFICE_HOURS,
    zone: tzinfo = CHINA,
) -> Deadline:
    """Return the instant at which `minutes` of natural or working time have elapsed, in
    the start's tzinfo.

    Natural time is elapsed time. Working time walks forward from `start` in `zone`'s
    wall-clock time (office periods and calendar days are local) and counts only minutes
    inside office periods on working days. A start outside office hours begins counting at
    the next office period; minutes ending exactly at a period end give that period end.
    `minutes == 0` returns `start` unchanged, even outside office hours. Days of years not
    in `calendar.known_years` are Mon-Fri working days and make the deadline provisional.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be timezone-aware.")
    if minutes < 0:
        raise ValueError("minutes must be >= 0.")
    if not working:
        at = start.astimezone(UTC) + timedelta(minutes=minutes)
        return Deadline(at=at.astimezone(start.tzinfo), provisional=False)
    if minutes == 0:
        return Deadline(at=start, provisional=False)

    remaining = timedelta(minutes=minutes)
    full_day = timedelta(minutes=office.day_minutes)
    provisional = False
    start_wall = start.astimezone(zone).replace(tzinfo=None)
    first_day = day = start_wall.date()
    for _ in range(MAX_WALK_DAYS):
        provisional = provisional or not calendar.is_known(day)
        if calendar.is_workday(day):
            if day > first_day and remaining > full_day:  # a whole working day goes by
                remaining -= full_day
                day += timedelta(days=1)
                continue
            for period_start, period_end in office.periods:
                begin = max(_combine(day, period_start), start_wall)
                end = _combine(day, period_end)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    at = (begin + remaining).replace(tzinfo=zone).astimezone(start.tzinfo)
                    return Deadline(at=at, provisional=provisional)
                remaining -= end - begin
        day += timedelta(days=1)
    raise ValueError(f"No deadline within {MAX_WALK_DAYS} days of {start.isoformat()}.")


def parse_periods(text: str) -> tuple[tuple[time, time], ...]:
    """Times of day like "08:00-12:00,14:00-20:00"; ValueError if malformed or empty."""
    periods = []
    for part in text.split(","):
        start, sep, end = part.strip().partition("-")
        period = (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        if not sep or period[0] >= period[1]:
            raise ValueError(f"Not a period of the day: {part!r}")
        periods.append(period)
    return tuple(periods)


def chinese_calendar_exceptions(year: int) -> dict[date, tuple[bool, str]] | None:
    """Days of `year` that differ from the Mon-Fri rule, per the chinesecalendar package.

    Returns date -> (is_workday, Chinese name): weekday holidays get the holiday name
    (or "" if unknown), weekend adjusted workdays get "调休". Returns None if the package
    does not cover `year` (it has not been announced or entered yet).
    """
    import chinese_calendar

    english_to_member = {holiday.value: holiday.name for holiday in chinese_calendar.Holiday}
    exceptions = {}
    day = date(year, 1, 1)
    try:
        while day.year == year:
            is_holiday, english_name = chinese_calendar.get_holiday_detail(day)
            is_workday = not is_holiday
            if is_workday != (day.weekday() < 5):
                if is_workday:
                    name = ADJUSTED_WORKDAY_NAME
                else:
                    name = HOLIDAY_NAMES_ZH.get(english_to_member.get(english_name), "")
                exceptions[day] = (is_workday, name)
            day += timedelta(days=1)
    except NotImplementedError:
        return None
    return exceptions


def _combine(day: date, moment: time) -> datetime:
    # Naive wall-clock datetime in the clock's zone; the caller attaches the zone.
    return datetime.combine(day, moment)
