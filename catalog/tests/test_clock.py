from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from catalog.clock import (
    DayCalendar,
    Deadline,
    OfficeHours,
    chinese_calendar_exceptions,
    compute_deadline,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def plain_calendar(*years):
    """Known years with no exceptions: Mon-Fri are working days."""
    return DayCalendar(exceptions={}, known_years=frozenset(years))


def china_calendar(*years):
    """Known years with the official exceptions from chinesecalendar."""
    exceptions = {}
    for year in years:
        for day, (is_workday, _name) in chinese_calendar_exceptions(year).items():
            exceptions[day] = is_workday
    return DayCalendar(exceptions=exceptions, known_years=frozenset(years))


def working(start, minutes, calendar=None, office=None):
    kwargs = {}
    if office is not None:
        kwargs["office"] = office
    return compute_deadline(
        start=start,
        minutes=minutes,
        working=True,
        calendar=calendar or plain_calendar(2025, 2026),
        **kwargs,
    )


# Natural time


def test_natural_hours_run_through_weekend():
    # Friday 18:00 + 48 h -> Sunday 18:00.
    result = compute_deadline(
        start=at(2025, 6, 13, 18), minutes=48 * 60, working=False, calendar=plain_calendar(2025)
    )
    assert result == Deadline(at=at(2025, 6, 15, 18), provisional=False)


def test_natural_hours_run_through_holiday():
    result = compute_deadline(
        start=at(2025, 9, 30, 17), minutes=24 * 60, working=False, calendar=china_calendar(2025)
    )
    assert result == Deadline(at=at(2025, 10, 1, 17), provisional=False)


def test_natural_hours_are_never_provisional():
    result = compute_deadline(
        start=at(2026, 12, 31, 12), minutes=2 * 24 * 60, working=False, calendar=plain_calendar()
    )
    assert result == Deadline(at=at(2027, 1, 2, 12), provisional=False)


# Working time on ordinary weeks (June 2025 has no holidays after the 2nd)


def test_working_minutes_within_one_period():
    assert working(at(2025, 6, 10, 9), 120) == Deadline(at=at(2025, 6, 10, 11), provisional=False)


def test_working_minutes_cross_lunch_break():
    assert working(at(2025, 6, 10, 11), 120).at == at(2025, 6, 10, 14, 30)


def test_working_minutes_cross_evening_into_next_morning():
    assert working(at(2025, 6, 10, 16, 30), 120).at == at(2025, 6, 11, 9, 30)


def test_working_minutes_friday_afternoon_into_monday():
    assert working(at(2025, 6, 13, 16), 180).at == at(2025, 6, 16, 10)


def test_working_start_on_saturday_begins_monday_morning():
    assert working(at(2025, 6, 14, 10), 60).at == at(2025, 6, 16, 9, 30)


def test_working_start_in_lunch_break_begins_at_afternoon_period():
    assert working(at(2025, 6, 10, 12, 30), 30).at == at(2025, 6, 10, 14)


def test_working_start_at_noon_begins_at_afternoon_period():
    assert working(at(2025, 6, 10, 12), 30).at == at(2025, 6, 10, 14)


def test_working_start_before_office_begins_at_830():
    assert working(at(2025, 6, 10, 7), 30).at == at(2025, 6, 10, 9)


def test_working_start_after_office_begins_next_morning():
    assert working(at(2025, 6, 10, 20), 30).at == at(2025, 6, 11, 9)


def test_working_end_exactly_at_noon_stays_at_noon():
    assert working(at(2025, 6, 10, 9), 180).at == at(2025, 6, 10, 12)


def test_working_end_exactly_at_1730_stays_at_1730():
    assert working(at(2025, 6, 10, 16, 30), 60).at == at(2025, 6, 10, 17, 30)


def test_working_one_full_day_from_830_ends_same_day_at_1730():
    assert OfficeHours().day_minutes == 450
    assert working(at(2025, 6, 10, 8, 30), 450).at == at(2025, 6, 10, 17, 30)


def test_working_keeps_seconds_and_tzinfo_of_start():
    start = datetime(2025, 6, 10, 9, 0, 30, tzinfo=timezone(timedelta(hours=8)))
    result = working(start, 10)
    assert result.at == datetime(2025, 6, 10, 9, 10, 30, tzinfo=timezone(timedelta(hours=8)))
    assert result.at.tzinfo is start.tzinfo


def test_working_counts_office_hours_of_the_zone_whatever_the_start_tzinfo():
    start = datetime(2025, 6, 10, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    beijing = working(start, 120)
    in_utc = compute_deadline(
        start=start, minutes=120, working=True, calendar=plain_calendar(2025), zone=UTC
    )

    assert beijing.at == at(2025, 6, 10, 11) and beijing.at.tzinfo is UTC
    assert in_utc.at == datetime(2025, 6, 10, 10, 30, tzinfo=UTC)


def test_working_calendar_day_is_the_local_date():
    # 17:00 UTC on Tuesday 30 Sep 2025 is 01:00 on 1 Oct in Beijing: golden week has begun.
    result = working(datetime(2025, 9, 30, 17, tzinfo=UTC), 60, china_calendar(2025))

    assert result.at == at(2025, 10, 9, 9, 30)


def test_working_uses_given_office_hours():
    office = OfficeHours(periods=((time(9), time(17)),))
    assert office.day_minutes == 480
    assert working(at(2025, 6, 10, 16), 120, office=office).at == at(2025, 6, 11, 10)


def test_working_zero_minutes_returns_start_unchanged():
    start = at(2025, 6, 14, 10)  # a Saturday, outside office hours
    assert working(start, 0) == Deadline(at=start, provisional=False)


# Chinese calendar


def test_chinese_calendar_exceptions_national_day_2025():
    exceptions = chinese_calendar_exceptions(2025)
    around = {d: v for d, v in exceptions.items() if date(2025, 9, 20) <= d <= date(2025, 10, 20)}
    assert around == {
        date(2025, 9, 28): (True, "调休"),
        date(2025, 10, 1): (False, "国庆节"),
        date(2025, 10, 2): (False, "国庆节"),
        date(2025, 10, 3): (False, "国庆节"),
        date(2025, 10, 6): (False, "中秋节"),
        date(2025, 10, 7): (False, "国庆节"),
        date(2025, 10, 8): (False, "国庆节"),
        date(2025, 10, 11): (True, "调休"),
    }


def test_chinese_calendar_exceptions_spring_festival_2026():
    exceptions = chinese_calendar_exceptions(2026)
    around = {d: v for d, v in exceptions.items() if date(2026, 2, 1) <= d <= date(2026, 3, 15)}
    assert around == {
        date(2026, 2, 14): (True, "调休"),
        date(2026, 2, 16): (False, "春节"),
        date(2026, 2, 17): (False, "春节"),
        date(2026, 2, 18): (False, "春节"),
        date(2026, 2, 19): (False, "春节"),
        date(2026, 2, 20): (False, "春节"),
        date(2026, 2, 23): (False, "春节"),
        date(2026, 2, 28): (True, "调休"),
    }


def test_chinese_calendar_exceptions_unannounced_year_is_none():
    # chinesecalendar 1.11 covers 2004-2026.
    assert chinese_calendar_exceptions(2027) is None
    assert chinese_calendar_exceptions(2100) is None


def test_working_national_day_2025_skips_golden_week():
    # Tue Sep 30 16:30 + 1 working day: 60 min on Sep 30, then Oct 1-8 are off.
    result = working(at(2025, 9, 30, 16, 30), 450, calendar=china_calendar(2025))
    assert result == Deadline(at=at(2025, 10, 9, 16, 30), provisional=False)


def test_working_counts_adjusted_sunday_sep_28_2025():
    # Fri Sep 26 17:00 + 60: 30 min on Friday, Saturday off, Sunday Sep 28 is worked.
    result = working(at(2025, 9, 26, 17), 60, calendar=china_calendar(2025))
    assert result.at == at(2025, 9, 28, 9)


def test_working_counts_adjusted_saturday_oct_11_2025():
    result = working(at(2025, 10, 11, 9), 60, calendar=china_calendar(2025))
    assert result.at == at(2025, 10, 11, 10)


def test_working_spring_festival_2026():
    # Fri Feb 13 9:00 + 3 working days: 420 min on Feb 13, 450 on adjusted Sat Feb 14,
    # Feb 16-23 off, 450 on Tue Feb 24, last 30 min on Wed Feb 25.
    result = working(at(2026, 2, 13, 9), 3 * 450, calendar=china_calendar(2026))
    assert result == Deadline(at=at(2026, 2, 25, 9), provisional=False)


# Unknown years


def test_working_into_unknown_year_is_provisional_and_weekends_only():
    # Mon Dec 21 2026 8:30 + 15 working days: 9 in 2026, then Fri Jan 1 2027 counts
    # as a working day (weekends only), then Jan 4-8.
    result = working(at(2026, 12, 21, 8, 30), 15 * 450, calendar=china_calendar(2026))
    assert result == Deadline(at=at(2027, 1, 8, 17, 30), provisional=True)


def test_working_into_known_year_without_holiday_is_not_provisional():
    calendar = DayCalendar(exceptions={}, known_years=frozenset({2026, 2027}))
    result = working(at(2026, 12, 21, 8, 30), 15 * 450, calendar=calendar)
    assert result == Deadline(at=at(2027, 1, 8, 17, 30), provisional=False)


def test_working_into_known_year_with_new_year_holiday_moves_deadline():
    calendar = DayCalendar(
        exceptions={date(2027, 1, 1): False}, known_years=frozenset({2026, 2027})
    )
    result = working(at(2026, 12, 21, 8, 30), 15 * 450, calendar=calendar)
    assert result == Deadline(at=at(2027, 1, 11, 17, 30), provisional=False)


def test_working_unknown_year_ignores_its_exceptions():
    calendar = DayCalendar(exceptions={date(2027, 1, 1): False}, known_years=frozenset({2026}))
    result = working(at(2026, 12, 31, 17), 60, calendar=calendar)
    assert result == Deadline(at=at(2027, 1, 1, 9), provisional=True)


def test_working_within_known_year_is_not_provisional_near_year_end():
    result = working(at(2026, 12, 31, 16), 90, calendar=china_calendar(2026))
    assert result == Deadline(at=at(2026, 12, 31, 17, 30), provisional=False)


def test_day_calendar_is_workday_and_is_known():
    calendar = DayCalendar(
        exceptions={date(2025, 10, 1): False, date(2025, 10, 11): True, date(2026, 1, 1): False},
        known_years=frozenset({2025}),
        names={date(2025, 10, 1): "国庆节", date(2025, 10, 11): "调休", date(2026, 1, 1): "元旦"},
    )
    assert calendar.is_workday(date(2025, 10, 1)) is False  # Wednesday holiday
    assert calendar.is_workday(date(2025, 10, 11)) is True  # adjusted Saturday
    assert calendar.is_workday(date(2025, 10, 12)) is False  # Sunday
    assert calendar.is_workday(date(2025, 10, 13)) is True  # Monday
    assert calendar.is_known(date(2025, 12, 31)) is True
    assert calendar.is_known(date(2026, 1, 1)) is False
    assert calendar.is_workday(date(2026, 1, 1)) is True  # not entered: Monday to Friday
    assert [calendar.holiday_name(d) for d in (date(2025, 10, 1), date(2025, 10, 11))] == [
        "国庆节",
        None,
    ]
    assert calendar.holiday_name(date(2026, 1, 1)) is None


# Errors


def test_working_endless_non_working_days_raise():
    day = date(2025, 1, 1)
    exceptions = {}
    while day.year < 2029:
        exceptions[day] = False
        day += timedelta(days=1)
    calendar = DayCalendar(exceptions=exceptions, known_years=frozenset(range(2025, 2029)))
    with pytest.raises(ValueError):
        working(at(2025, 1, 1, 9), 1, calendar=calendar)


@pytest.mark.parametrize("is_working", [True, False])
def test_compute_deadline_negative_minutes_raise(is_working):
    with pytest.raises(ValueError):
        compute_deadline(
            start=at(2025, 6, 10, 9), minutes=-1, working=is_working, calendar=plain_calendar()
        )


@pytest.mark.parametrize("is_working", [True, False])
def test_compute_deadline_naive_start_raises(is_working):
    with pytest.raises(ValueError):
        compute_deadline(
            start=datetime(2025, 6, 10, 9),
            minutes=30,
            working=is_working,
            calendar=plain_calendar(),
        )


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(12), time(8, 30)),),
        ((time(9), time(9)),),
        ((time(13, 30), time(17, 30)), (time(8, 30), time(12))),
        ((time(8, 30), time(14)), (time(13, 30), time(17, 30))),
    ],
)
def test_office_hours_bad_periods_raise(periods):
    with pytest.raises(ValueError):
        OfficeHours(periods=periods)


def test_office_hours_adjacent_periods_are_allowed():
    office = OfficeHours(periods=((time(8), time(12)), (time(12), time(16))))
    assert office.day_minutes == 480
