"""Reads of the catalogue: the published lists, clocks (deadlines and promises) and routing."""

import functools
import time as time_module
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.clock import DayCalendar, Deadline, OfficeHours, compute_deadline, parse_periods
from catalog.models import (
    WORKING_UNITS,
    CalendarDay,
    CalendarYear,
    DurationUnit,
    Item,
    Priority,
    RoutingRule,
    SlaPolicy,
)

# ---------------------------------------------------------------------------------------------
# The calendar and the clocks: the only way the codebase asks whether a day is a working day,
# or turns a start and a duration into a deadline. Both count in TIME_ZONE (Asia/Shanghai).

CALENDAR_SPAN_YEARS = 3  # a walk never needs more than this many years of holiday data


def office_hours() -> OfficeHours:
    return _office_hours(tuple(settings.OFFICE_HOURS))


@functools.cache
def _office_hours(periods: tuple[tuple[str, str], ...]) -> OfficeHours:
    return OfficeHours(
        periods=tuple(
            (time.fromisoformat(start), time.fromisoformat(end)) for start, end in periods
        )
    )


_CALENDARS: dict[tuple[int, int], tuple[float, DayCalendar]] = {}
CALENDAR_CACHE_SECONDS = 300  # schedules change a few times a year; entering one clears this


def day_calendar(*, first_year: int, last_year: int) -> DayCalendar:
    """Holidays and adjusted workdays entered for the years, and which years are known.
    Kept for a few minutes per process, since every deadline needs it."""
    key = (first_year, last_year)
    cached = _CALENDARS.get(key)
    if cached and time_module.monotonic() - cached[0] < CALENDAR_CACHE_SECONDS:
        return cached[1]
    days = CalendarDay.objects.filter(date__year__gte=first_year, date__year__lte=last_year)
    years = CalendarYear.objects.filter(year__gte=first_year, year__lte=last_year)
    rows = list(days.values_list("date", "is_workday", "name"))
    calendar = DayCalendar(
        exceptions={day: workday for day, workday, _name in rows},
        known_years=frozenset(years.values_list("year", flat=True)),
        names={day: name for day, _workday, name in rows},
    )
    _CALENDARS[key] = (time_module.monotonic(), calendar)
    return calendar


def day_calendar_forget() -> None:
    _CALENDARS.clear()


def is_workday(day: date) -> bool:
    """Is this local date a working (and school) day? Monday to Friday, except statutory
    holidays, plus adjusted workdays (调休); a year not entered yet is Monday to Friday."""
    return day_calendar(first_year=day.year, last_year=day.year).is_workday(day)


def holidays_among(days: Iterable[date]) -> dict[date, str]:
    """The statutory holidays among `days` that take a weekday off, with their names."""
    found = {}
    for day in days:
        name = day_calendar(first_year=day.year, last_year=day.year).holiday_name(day)
        if name is not None:
            found[day] = name
    return found


def _calendar_from(start: datetime) -> DayCalendar:
    year = start.astimezone(timezone.get_default_timezone()).year  # the walk's first date
    return day_calendar(first_year=year, last_year=year + CALENDAR_SPAN_YEARS - 1)


MINUTES_PER_UNIT = {
    DurationUnit.MINUTES: 1,
    DurationUnit.HOURS: 60,
    DurationUnit.DAYS: 24 * 60,
    DurationUnit.WORKING_HOURS: 60,
}  # and a working day is as long as the office hours say


def deadline_compute(
    *, start: datetime, amount: int, unit: str, calendar: DayCalendar | None = None
) -> Deadline:
    """Deadline for `amount` `unit`s from `start` on the Chinese calendar and office hours,
    counted in TIME_ZONE whatever tzinfo `start` has; returned in the start's tzinfo."""
    office = office_hours()
    working_day = unit == DurationUnit.WORKING_DAYS
    per_unit = office.day_minutes if working_day else MINUTES_PER_UNIT[unit]
    return compute_deadline(
        start=start,
        minutes=amount * per_unit,
        working=unit in WORKING_UNITS,
        calendar=calendar or _calendar_from(start),
        office=office,
        zone=timezone.get_default_timezone(),
    )


@dataclass(frozen=True)
class SlaDeadlines:
    response: Deadline | None
    resolution: Deadline

    @property
    def provisional(self) -> bool:
        return self.resolution.provisional or bool(self.response and self.response.provisional)


def sla_deadlines(
    *,
    policy: SlaPolicy,
    start: datetime,
    resolution_start: datetime | None = None,
    calendar: DayCalendar | None = None,
) -> SlaDeadlines:
    """Both clocks from `start`; the resolution clock from `resolution_start` when it is given
    (a booking cannot be done before the time the resident asked for)."""
    calendar = calendar or _calendar_from(start)
    response = None
    if policy.response_amount:
        response = deadline_compute(
            start=start,
            amount=policy.response_amount,
            unit=policy.response_unit,
            calendar=calendar,
        )
    resolution = deadline_compute(
        start=resolution_start or start,
        amount=policy.resolution_amount,
        unit=policy.resolution_unit,
        calendar=calendar,
    )
    return SlaDeadlines(response=response, resolution=resolution)


def booking_time_refusal(*, item: Item, when: datetime, now: datetime) -> str | None:
    """Why a booking of `item` cannot ask for `when` (None if it can): not in the past, not
    beyond `BOOKING_HORIZON_DAYS`, and within the item's booking hours in Beijing time."""
    if when <= now:
        return _("Choose a time in the future.")
    if when > now + timedelta(days=settings.BOOKING_HORIZON_DAYS):
        return _("Bookings are taken up to %(days)d days ahead.") % {
            "days": settings.BOOKING_HORIZON_DAYS
        }
    if item.booking_hours:
        periods = parse_periods(item.booking_hours)
        at = timezone.localtime(when).time()
        if not any(start <= at < end for start, end in periods):
            hours = "、".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in periods)
            return _("This service can be booked for %(hours)s.") % {"hours": hours}
    return None


def duration_text(amount: int, unit: str) -> str:
    texts = {
        DurationUnit.MINUTES: ngettext("%(n)d minute", "%(n)d minutes", amount),
        DurationUnit.HOURS: ngettext("%(n)d hour", "%(n)d hours", amount),
        DurationUnit.DAYS: ngettext("%(n)d day", "%(n)d days", amount),
        DurationUnit.WORKING_HOURS: ngettext("%(n)d working hour", "%(n)d working hours", amount),
        DurationUnit.WORKING_DAYS: ngettext("%(n)d working day", "%(n)d working days", amount),
    }
    return texts[unit] % {"n": amount}


def promise_text(policy: SlaPolicy) -> str:
    """The response and resolution promise in plain words, as published to residents."""
    resolution = duration_text(policy.resolution_amount, policy.resolution_unit)
    if not policy.response_amount:
        return _("Answered within %(resolution)s") % {"resolution": resolution}
    return _("Response within %(response)s, resolved within %(resolution)s") % {
        "response": duration_text(policy.response_amount, policy.response_unit),
        "resolution": resolution,
    }


# ---------------------------------------------------------------------------------------------
# Routing: who leads a case, who co-handles it, and at which priority.


@dataclass(frozen=True)
class RoutingDecision:
    lead: str  # RoutingRule.Party
    co_handle: bool
    priority: str  # Priority
    policy: SlaPolicy
    emergency_words: tuple[str, ...]  # the words found in the description
    rule: RoutingRule | None


def _specificity(rule: RoutingRule) -> tuple[int, int, int]:
    return (rule.item_id is not None, rule.domain_id is not None, rule.estate_id is not None)


def routing_resolve(*, item: Item, estate=None, text: str = "") -> RoutingDecision:
    """Apply the most specific matching rule: item > domain > any, then one estate > all.

    Emergency words of every matching rule count. With no rule at all, the community back
    office leads (an unroutable case goes to the router).
    """
    # Every intake asks this; as plain SQL it costs a sixth of the ORM's compiled OR-filters.
    # A NULL estate matches only the rules for all estates (`= NULL` is never true).
    rules = list(
        RoutingRule.objects.raw(
            f"SELECT * FROM {RoutingRule._meta.db_table} "
            "WHERE (item_id = %s OR item_id IS NULL) AND (domain_id = %s OR domain_id IS NULL) "
            "AND (estate_id = %s OR estate_id IS NULL)",
            [item.pk, item.domain_id, estate.pk if estate else None],
        )
    )
    rule = max(rules, key=_specificity, default=None)
    words = ()
    if item.kind == Item.Kind.APPEAL:  # a booked service keeps its own clock
        words = tuple(
            sorted(
                {word for r in rules for word in r.emergency_words.split() if word and word in text}
            )
        )
    policy = item.sla
    if words:
        priority = Priority.EMERGENCY
        policy = (
            SlaPolicy.objects.filter(priority=Priority.EMERGENCY).order_by("id").first() or policy
        )
    else:
        priority = (rule.priority if rule else "") or policy.priority
    return RoutingDecision(
        lead=rule.lead if rule else RoutingRule.Party.COMMUNITY,
        co_handle=rule.co_handle if rule else True,
        priority=priority,
        policy=policy,
        emergency_words=words,
        rule=rule,
    )


# ---------------------------------------------------------------------------------------------
# The published lists.


def catalogue_search(
    *, query: str = "", list_code: str = "", domain_code: str = "", category_code: str = ""
) -> QuerySet[Item]:
    items = Item.objects.filter(is_active=True).select_related(
        "service_list", "category", "domain", "sla"
    )
    query = query.strip()
    for word in query.split()[:5]:
        items = items.filter(
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | Q(description__icontains=word)
            | Q(keywords__icontains=word)
            | Q(code__iexact=word)
        )
    if list_code:
        items = items.filter(service_list__code=list_code)
    if domain_code:
        items = items.filter(domain__code=domain_code)
    if category_code:
        items = items.filter(category__code=category_code)
    return items.order_by("service_list__sort", "category__sort", "code")
