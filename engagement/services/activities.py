"""Venues and activities: create (one-off, daily or weekly series), change and cancel."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import holidays_among, is_workday
from core.errors import validated
from engagement.models import Activity, ActivitySeries, Signup, Venue
from engagement.services.common import (
    local_time,
    refuse,
    require_in_area,
    require_manage,
    tell_signed_up,
)
from engagement.services.signups import waitlist_promote
from orgs.models import OrgUnit

MAX_REPEAT_DAYS = 60
MAX_SERIES_WEEKS = 26


@transaction.atomic
def venue_create(
    *, actor, name: str, community: OrgUnit, capacity: int, opening_hours="", address=""
) -> Venue:
    require_manage(actor, community.pk)
    venue = Venue(
        name=name.strip(),
        community=community,
        capacity=capacity,
        opening_hours=opening_hours.strip(),
        address=address.strip(),
    )
    validated(venue)
    venue.save()
    return venue


@transaction.atomic
def activity_create(
    *,
    actor,
    title: str,
    organiser: str,
    organiser_unit: OrgUnit,
    domain,
    venue: Venue,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    volunteer_capacity: int = 0,
    description: str = "",
    audience: str = "",
    repeat_days: int = 0,
    weekdays_only: bool = False,
    weekly_weeks: int = 0,
    now: datetime | None = None,
) -> list[Activity]:
    """Create an activity; `repeat_days` more sessions on the following days (with
    `weekdays_only`, working days: no weekends or public holidays, but adjusted workdays), or
    a weekly series over `weekly_weeks` weeks that skips public holidays."""
    now = now or timezone.now()
    require_manage(actor, venue.community_id)
    require_in_area(actor, organiser_unit.pk)
    if starts_at <= now:
        refuse(_("Choose a start in the future."))
    if not 0 <= repeat_days <= MAX_REPEAT_DAYS:
        refuse(_("Repeat for at most %(n)d days.") % {"n": MAX_REPEAT_DAYS})
    if not 0 <= weekly_weeks <= MAX_SERIES_WEEKS:
        refuse(_("Repeat weekly for at most %(n)d weeks.") % {"n": MAX_SERIES_WEEKS})
    if weekly_weeks and repeat_days:
        refuse(_("Repeat either daily or weekly, not both."))
    fields = {
        "title": title.strip(),
        "description": description.strip(),
        "organiser": organiser.strip(),
        "organiser_unit": organiser_unit,
        "domain": domain,
        "venue": venue,
        "audience": audience.strip(),
        "capacity": capacity,
        "volunteer_capacity": volunteer_capacity,
        "created_by": actor,
        "created_at": now,
    }
    if weekly_weeks > 1:
        return _series_create(fields, weeks=weekly_weeks, starts_at=starts_at, ends_at=ends_at)
    created = []
    day = 0
    while len(created) <= repeat_days:
        shift = timedelta(days=day)
        day += 1
        if weekdays_only and not is_workday(timezone.localdate(starts_at + shift)):
            continue
        created.append(_session_create(fields, starts_at + shift, ends_at + shift))
    return created


def _session_create(fields: dict, starts_at, ends_at, series=None) -> Activity:
    activity = Activity(**fields, starts_at=starts_at, ends_at=ends_at, series=series)
    validated(activity)
    activity.save()
    return activity


def _series_create(fields: dict, *, weeks: int, starts_at, ends_at) -> list[Activity]:
    """One session a week on the same weekday and time; public holidays (and weekdays made
    holidays by the calendar) are skipped and listed on the series."""
    local_start = timezone.localtime(starts_at)
    days = [local_start.date() + timedelta(weeks=week) for week in range(weeks)]
    holidays = holidays_among(days)
    series = ActivitySeries.objects.create(
        title=fields["title"],
        weekday=local_start.weekday(),
        sessions=weeks - len(holidays),
        skipped=", ".join(f"{d:%Y-%m-%d} {holidays[d]}".strip() for d in sorted(holidays)),
        created_by=fields["created_by"],
        created_at=fields["created_at"],
    )
    if series.sessions == 0:
        refuse(_("Every one of these days is a public holiday."))
    shifts = [timedelta(weeks=week) for week, day in enumerate(days) if day not in holidays]
    return [_session_create(fields, starts_at + shift, ends_at + shift, series) for shift in shifts]


def _active_signups(activity):
    return (
        Signup.objects.filter(activity=activity)
        .exclude(status=Signup.Status.CANCELLED)
        .select_related("resident__user", "signed_up_by")
        .order_by("id")
    )


EDITABLE = (
    "title",
    "description",
    "audience",
    "organiser",
    "venue",
    "capacity",
    "volunteer_capacity",
)


@transaction.atomic
def activity_update(
    *, actor, activity: Activity, whole_series: bool = False, now=None, **changes
) -> list[Activity]:
    """Change an activity (or every coming session of its series, shifted alike).

    Places cannot go below the confirmed sign-ups; freed room goes to the waitlist; everyone
    signed up hears of a new time or venue. Returns the sessions changed."""
    now = now or timezone.now()
    require_manage(actor, activity.venue.community_id)
    if activity.is_cancelled:
        refuse(_("This activity is cancelled."), code="cancelled")
    if activity.ends_at <= now:
        refuse(_("This activity is over and can no longer be changed."), code="over")
    unknown = set(changes) - set(EDITABLE) - {"starts_at", "ends_at"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "venue" in changes:
        require_manage(actor, changes["venue"].community_id)
    move = changes.get("starts_at", activity.starts_at) - activity.starts_at
    length = changes.get("ends_at", activity.ends_at) - changes.get("starts_at", activity.starts_at)
    sessions = [activity]
    if whole_series and activity.series_id:
        sessions = list(
            Activity.objects.select_related("venue")
            .filter(series_id=activity.series_id, cancelled_at__isnull=True, starts_at__gt=now)
            .order_by("starts_at")
        )
        if activity not in sessions:
            sessions.insert(0, activity)
    for session in sessions:
        _session_change(session, changes, move=move, length=length, now=now)
    return sessions


def _session_change(session: Activity, changes: dict, *, move, length, now) -> None:
    """One session of `activity_update`: moved by `move`, lasting `length`, with `changes`."""
    old_start, old_venue = session.starts_at, session.venue_id
    for name in EDITABLE:
        if name in changes:
            setattr(session, name, changes[name])
    session.starts_at = old_start + move
    session.ends_at = session.starts_at + length
    if session.starts_at != old_start and session.starts_at <= now:
        refuse(_("Choose a start in the future."))
    validated(session, exclude=["taken", "volunteers_taken", "created_by", "series"])
    values = {name: getattr(session, name) for name in EDITABLE + ("starts_at", "ends_at")}
    # Conditional on the places taken right now, so a sign-up racing in cannot be lost.
    updated = Activity.objects.filter(
        pk=session.pk,
        taken__lte=session.capacity,
        volunteers_taken__lte=session.volunteer_capacity,
        cancelled_at__isnull=True,
    ).update(**values)
    if updated != 1:
        current = Activity.objects.get(pk=session.pk)
        refuse(
            _(
                "%(date)s: %(n)d people already have a confirmed place "
                "(%(v)d volunteers), so the places cannot be fewer than that. "
                "Nothing was changed."
            )
            % {
                "date": local_time(session.starts_at),
                "n": current.taken,
                "v": current.volunteers_taken,
            },
            code="below_taken",
        )
    session.refresh_from_db()
    for as_volunteer in (False, True):
        while waitlist_promote(session, as_volunteer=as_volunteer, now=now):
            pass
    if session.starts_at != old_start or session.venue_id != old_venue:
        tell_signed_up(
            _active_signups(session),
            lambda: (
                _("“%(title)s” has changed: now %(when)s at %(venue)s.")
                % {
                    "title": session.title,
                    "when": local_time(session.starts_at),
                    "venue": session.venue.name,
                }
            ),
            now,
            session,
        )


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str = "", now=None) -> int:
    """Cancel an activity: every sign-up ends and everyone signed up (or waiting) is told.
    Returns how many sign-ups were cancelled."""
    now = now or timezone.now()
    require_manage(actor, activity.venue.community_id)
    if activity.ends_at <= now:
        refuse(_("This activity is over and can no longer be changed."), code="over")
    reason = reason.strip()[:200]
    updated = Activity.objects.filter(pk=activity.pk, cancelled_at__isnull=True).update(
        cancelled_at=now, cancel_reason=reason, taken=0, volunteers_taken=0
    )
    if updated != 1:
        refuse(_("This activity is already cancelled."), code="cancelled")
    activity.refresh_from_db()
    signups = list(_active_signups(activity))
    Signup.objects.filter(pk__in=[s.pk for s in signups]).update(
        status=Signup.Status.CANCELLED, cancelled_at=now
    )
    tell_signed_up(
        signups,
        lambda: (
            _("“%(title)s” on %(when)s is cancelled. %(reason)s")
            % {"title": activity.title, "when": local_time(activity.starts_at), "reason": reason}
        ).strip(),
        now,
        activity,
    )
    return len(signups)
