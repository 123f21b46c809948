"""Venues, activities, places (sign-up, waitlist, cancel), check-in and volunteer hours."""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import holidays_among, is_workday
from core.errors import Forbidden, NotFound, validated
from engagement.models import Activity, ActivitySeries, Signup, Venue, VolunteerProfile
from engagement.selectors import household_members
from engagement.services.common import (
    in_default_language,
    local_time,
    notify,
    refuse,
    require_in_area,
    require_manage,
)
from orgs.models import OrgUnit
from residents.models import Resident
from residents.selectors import resident_for_user

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud at the door
CODE_LENGTH = 6
CHECK_IN_OPENS = timedelta(hours=2)  # before the start
CHECK_IN_CLOSES = timedelta(hours=24)  # after the end: staff may catch up the next day
CHECK_OUT_GRACE = timedelta(hours=2)  # a forgotten check-out counts until 2 h after the end
MAX_REPEAT_DAYS = 60
MAX_SERIES_WEEKS = 26
MAX_REPORTED_HOURS = Decimal(24)


# ---------------------------------------------------------------------------------------------
# Venues and activities


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
    if weekly_weeks > 1:
        return _series_create(
            actor=actor,
            weeks=weekly_weeks,
            now=now,
            title=title,
            description=description,
            organiser=organiser,
            organiser_unit=organiser_unit,
            domain=domain,
            venue=venue,
            starts_at=starts_at,
            ends_at=ends_at,
            audience=audience,
            capacity=capacity,
            volunteer_capacity=volunteer_capacity,
        )
    created = []
    day = 0
    while len(created) <= repeat_days:
        shift = timedelta(days=day)
        day += 1
        if weekdays_only and not is_workday(timezone.localdate(starts_at + shift)):
            continue
        activity = Activity(
            title=title.strip(),
            description=description.strip(),
            organiser=organiser.strip(),
            organiser_unit=organiser_unit,
            domain=domain,
            venue=venue,
            starts_at=starts_at + shift,
            ends_at=ends_at + shift,
            audience=audience.strip(),
            capacity=capacity,
            volunteer_capacity=volunteer_capacity,
            created_by=actor,
            created_at=now,
        )
        validated(activity)
        activity.save()
        created.append(activity)
    return created


def _series_create(*, actor, weeks: int, now, starts_at, ends_at, **fields) -> list[Activity]:
    """One session a week on the same weekday and time; public holidays (and weekdays made
    holidays by the calendar) are skipped and listed on the series."""
    local_start = timezone.localtime(starts_at)
    days = [local_start.date() + timedelta(weeks=week) for week in range(weeks)]
    holidays = holidays_among(days)
    series = ActivitySeries.objects.create(
        title=fields["title"].strip(),
        weekday=local_start.weekday(),
        sessions=weeks - len(holidays),
        skipped=", ".join(f"{d:%Y-%m-%d} {holidays[d]}".strip() for d in sorted(holidays)),
        created_by=actor,
        created_at=now,
    )
    if series.sessions == 0:
        refuse(_("Every one of these days is a public holiday."))
    created = []
    for week, day in enumerate(days):
        if day in holidays:
            continue
        shift = timedelta(weeks=week)
        activity = Activity(
            **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
            starts_at=starts_at + shift,
            ends_at=ends_at + shift,
            series=series,
            created_by=actor,
            created_at=now,
        )
        validated(activity)
        activity.save()
        created.append(activity)
    return created


def _people(signups) -> tuple[list, list]:
    """Whom to tell about sign-ups: the accounts involved, and mobiles of those without one."""
    users, mobiles = {}, set()
    for signup in signups:
        for user in (signup.signed_up_by, signup.resident.user):
            if user is not None:
                users[user.pk] = user
        if signup.resident.user_id is None and signup.resident.mobile:
            mobiles.add(signup.resident.mobile)
    return list(users.values()), sorted(mobiles)


def _tell(signups, build_text, now, activity) -> None:
    users, mobiles = _people(signups)
    if users or mobiles:
        notify(
            users,
            in_default_language(build_text),
            now,
            link=reverse("engagement:activity", args=[activity.pk]),
            mobiles=mobiles,
        )


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
    changed = []
    for session in sessions:
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
            while _promote(session, as_volunteer=as_volunteer, now=now):
                pass
        if session.starts_at != old_start or session.venue_id != old_venue:
            _tell(
                _active_signups(session),
                lambda s=session: (
                    _("“%(title)s” has changed: now %(when)s at %(venue)s.")
                    % {
                        "title": s.title,
                        "when": local_time(s.starts_at),
                        "venue": s.venue.name,
                    }
                ),
                now,
                session,
            )
        changed.append(session)
    return changed


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
    _tell(
        signups,
        lambda: (
            _("“%(title)s” on %(when)s is cancelled. %(reason)s")
            % {"title": activity.title, "when": local_time(activity.starts_at), "reason": reason}
        ).strip(),
        now,
        activity,
    )
    return len(signups)


REMINDER_AHEAD = timedelta(hours=24)


def reminders_send(*, now=None) -> int:
    """The worker's sweep: remind everyone with a confirmed place a day before the start."""
    now = now or timezone.now()
    due = (
        Signup.objects.filter(
            status=Signup.Status.CONFIRMED,
            reminded_at__isnull=True,
            activity__cancelled_at__isnull=True,
            activity__starts_at__gt=now,
            activity__starts_at__lte=now + REMINDER_AHEAD,
        )
        .select_related("activity__venue", "resident__user", "signed_up_by")
        .order_by("id")[:500]
    )
    sent = 0
    for signup in due:
        with transaction.atomic():
            if not Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            activity = signup.activity
            _tell(
                [signup],
                lambda s=signup, a=activity: (
                    _("Reminder: “%(title)s” for %(name)s, %(when)s at %(venue)s. Code: %(code)s.")
                    % {
                        "title": a.title,
                        "name": s.resident,
                        "when": local_time(a.starts_at),
                        "venue": a.venue.name,
                        "code": s.code,
                    }
                ),
                now,
                activity,
            )
            sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# Places: the conditional UPDATEs


def _counter(as_volunteer: bool) -> tuple[str, str]:
    return ("volunteers_taken", "volunteer_capacity") if as_volunteer else ("taken", "capacity")


def _claim_place(activity: Activity, as_volunteer: bool) -> bool:
    """Take one place if one is free. Exactly one of two racing callers gets the last one."""
    taken, capacity = _counter(as_volunteer)
    won = Activity.objects.filter(pk=activity.pk, **{f"{taken}__lt": F(capacity)}).update(
        **{taken: F(taken) + 1}
    )
    return won == 1


def _release_place(activity: Activity, as_volunteer: bool) -> None:
    taken, _capacity = _counter(as_volunteer)
    Activity.objects.filter(pk=activity.pk, **{f"{taken}__gt": 0}).update(**{taken: F(taken) - 1})


def _new_code(activity: Activity) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Signup.objects.filter(activity=activity, code=code).exists():
            return code


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


@transaction.atomic
def signup_create(
    *, activity: Activity, resident: Resident, user, as_volunteer=False, now=None
) -> Signup:
    """A resident signs up themselves or a household member; when full, onto the waitlist."""
    now = now or timezone.now()
    me = resident_for_user(user=user)
    if me is None:
        raise Forbidden(_("Only residents can sign up. Please sign in with your mobile number."))
    if not household_members(me).filter(pk=resident.pk).exists():
        raise Forbidden(_("You can sign up yourself or a member of your household."))
    if as_volunteer and resident.pk != me.pk:
        refuse(_("Volunteers sign up themselves."))
    if as_volunteer and activity.volunteer_capacity == 0:
        refuse(_("This activity is not looking for volunteers."))
    if activity.is_cancelled:
        refuse(_("This activity is cancelled."), code="cancelled")
    if activity.starts_at <= now:
        refuse(_("Sign-up has closed: the activity has started."), code="closed")
    active = Signup.objects.filter(activity=activity, resident=resident).exclude(
        status=Signup.Status.CANCELLED
    )
    if active.exists():
        refuse(_("%(name)s is already signed up.") % {"name": resident}, code="duplicate")
    won = _claim_place(activity, as_volunteer)
    signup = Signup(
        activity=activity,
        resident=resident,
        signed_up_by=user,
        as_volunteer=as_volunteer,
        status=Signup.Status.CONFIRMED if won else Signup.Status.WAITLISTED,
        code=_new_code(activity),
        created_at=now,
    )
    try:
        with transaction.atomic():
            signup.save()
    except IntegrityError:  # a double click raced past the check above; undo the claim too
        refuse(_("%(name)s is already signed up.") % {"name": resident}, code="duplicate")
    activity.refresh_from_db(fields=["taken", "volunteers_taken"])
    signup.resident = resident
    _tell(
        [signup],
        lambda: (
            (
                _("%(name)s is signed up for “%(title)s”, %(when)s at %(venue)s. Code: %(code)s.")
                if won
                else _("“%(title)s” (%(when)s) is full: %(name)s is on the waitlist.")
            )
            % {
                "name": resident,
                "title": activity.title,
                "when": local_time(activity.starts_at),
                "venue": activity.venue.name,
                "code": signup.code,
            }
        ),
        now,
        activity,
    )
    return signup


def _is_own(signup: Signup, user) -> bool:
    return signup.signed_up_by_id == user.pk or signup.resident.user_id == user.pk


def _move_signup(signup: Signup, *, from_status: str, **changes) -> bool:
    updated = Signup.objects.filter(pk=signup.pk, status=from_status).update(**changes)
    if updated == 1:
        for name, value in changes.items():
            setattr(signup, name, value)
    return updated == 1


@transaction.atomic
def signup_cancel(*, signup: Signup, user, now=None) -> Signup | None:
    """Cancel a sign-up; a freed place goes to the first on the waitlist, who is notified.

    Returns the sign-up that moved up, if any.
    """
    now = now or timezone.now()
    if not _is_own(signup, user):
        raise NotFound()
    if signup.activity.starts_at <= now:
        refuse(_("The activity has started: the sign-up can no longer be cancelled."))
    cancelled = {"status": Signup.Status.CANCELLED, "cancelled_at": now}
    if _move_signup(signup, from_status=Signup.Status.CONFIRMED, **cancelled):
        _release_place(signup.activity, signup.as_volunteer)
        return _promote(signup.activity, as_volunteer=signup.as_volunteer, now=now)
    if _move_signup(signup, from_status=Signup.Status.WAITLISTED, **cancelled):
        return None
    refuse(_("This sign-up is already cancelled."), code="already_cancelled")


def _promote(activity: Activity, *, as_volunteer: bool, now) -> Signup | None:
    """Give free places to the waitlist in order of sign-up; notify whoever moves up."""
    waiting = (
        Signup.objects.filter(
            activity=activity, status=Signup.Status.WAITLISTED, as_volunteer=as_volunteer
        )
        .select_related("resident__user", "signed_up_by", "activity__venue")
        .order_by("created_at", "id")
    )
    for candidate in waiting:
        if not _claim_place(activity, as_volunteer):
            return None
        if _move_signup(
            candidate,
            from_status=Signup.Status.WAITLISTED,
            status=Signup.Status.CONFIRMED,
            promoted_at=now,
        ):
            _tell(
                [candidate],
                lambda c=candidate: (
                    _(
                        "A place became free: %(name)s is now confirmed for “%(title)s” "
                        "on %(when)s at %(venue)s. Check-in code: %(code)s."
                    )
                    % {
                        "name": c.resident,
                        "title": activity.title,
                        "when": local_time(activity.starts_at),
                        "venue": activity.venue.name,
                        "code": c.code,
                    }
                ),
                now,
                activity,
            )
            return candidate
        _release_place(activity, as_volunteer)  # they cancelled meanwhile: try the next one
    return None


# ---------------------------------------------------------------------------------------------
# Check-in, check-out and volunteer hours


def _require_check_in(actor, signup: Signup) -> None:
    require_in_area(actor, signup.activity.venue.community_id)


@transaction.atomic
def signup_check_in(*, signup: Signup, actor, now=None) -> Signup:
    now = now or timezone.now()
    _require_check_in(actor, signup)
    activity = signup.activity
    if activity.is_cancelled:
        refuse(_("This activity is cancelled."), code="cancelled")
    if now < activity.starts_at - CHECK_IN_OPENS:
        refuse(_("Check-in opens two hours before the start."), code="too_early")
    if now > activity.ends_at + CHECK_IN_CLOSES:
        refuse(_("Check-in for this activity has closed."), code="too_late")
    updated = Signup.objects.filter(
        pk=signup.pk, status=Signup.Status.CONFIRMED, checked_in_at__isnull=True
    ).update(checked_in_at=now, checked_in_by=actor)
    signup.refresh_from_db()
    if updated != 1:
        if signup.checked_in_at:
            refuse(
                _("%(name)s already checked in at %(time)s.")
                % {
                    "name": signup.resident,
                    "time": timezone.localtime(signup.checked_in_at).strftime("%H:%M"),
                },
                code="already_checked_in",
            )
        refuse(
            _("%(name)s has no confirmed place (%(status)s).")
            % {"name": signup.resident, "status": signup.get_status_display()},
            code="not_confirmed",
        )
    return signup


def signup_check_in_by_code(*, activity: Activity, code: str, actor, now=None) -> Signup:
    """The 6-character code the resident shows at the door."""
    code = normalise_code(code)
    require_in_area(actor, activity.venue.community_id)
    signup = (
        Signup.objects.select_related("activity__venue", "resident")
        .filter(activity=activity, code=code)
        .exclude(status=Signup.Status.CANCELLED)
        .first()
    )
    if signup is None:
        refuse(_("No sign-up with code %(code)s for this activity.") % {"code": code}, "unknown")
    return signup_check_in(signup=signup, actor=actor, now=now)


@transaction.atomic
def signup_check_out(*, signup: Signup, actor, now=None) -> Signup:
    """A volunteer leaves: the time since check-in is their measured volunteer time."""
    now = now or timezone.now()
    _require_check_in(actor, signup)
    if not signup.as_volunteer:
        refuse(_("Only volunteers check out."))
    if signup.checked_in_at is None:
        refuse(_("Check in first."))
    until = min(now, signup.activity.ends_at + CHECK_OUT_GRACE)
    minutes = max(0, int((until - signup.checked_in_at).total_seconds() // 60))
    updated = Signup.objects.filter(
        pk=signup.pk, checked_in_at__isnull=False, checked_out_at__isnull=True
    ).update(checked_out_at=now, measured_minutes=minutes)
    if updated != 1:
        refuse(_("Already checked out."), code="already_checked_out")
    signup.refresh_from_db()
    return signup


@transaction.atomic
def hours_report(*, signup: Signup, user, hours: Decimal, note: str = "", now=None) -> Signup:
    """A volunteer reports extra hours (preparation, follow-up); staff approve them."""
    now = now or timezone.now()
    if signup.resident.user_id != user.pk:
        raise NotFound()
    if not signup.as_volunteer or signup.status != Signup.Status.CONFIRMED:
        refuse(_("Only confirmed volunteers report hours."))
    if now < signup.activity.starts_at:
        refuse(_("Report hours once the activity has started."))
    if not (Decimal("0.5") <= hours <= MAX_REPORTED_HOURS) or (hours * 2) % 1:
        refuse(_("Report between 0.5 and 24 hours, in half hours."))
    updated = Signup.objects.filter(
        pk=signup.pk,
        hours_status__in=[Signup.HoursStatus.NONE, Signup.HoursStatus.REJECTED],
    ).update(
        reported_minutes=int(hours * 60),
        reported_note=note.strip()[:200],
        hours_status=Signup.HoursStatus.PENDING,
        hours_reviewed_by=None,
        hours_reviewed_at=None,
    )
    if updated != 1:
        refuse(_("Your hours are already awaiting approval or approved."), code="reported")
    signup.refresh_from_db()
    return signup


@transaction.atomic
def hours_review(*, signup: Signup, actor, approve: bool, now=None) -> Signup:
    now = now or timezone.now()
    require_manage(actor, signup.activity.venue.community_id)
    status = Signup.HoursStatus.APPROVED if approve else Signup.HoursStatus.REJECTED
    updated = Signup.objects.filter(pk=signup.pk, hours_status=Signup.HoursStatus.PENDING).update(
        hours_status=status, hours_reviewed_by=actor, hours_reviewed_at=now
    )
    if updated != 1:
        refuse(_("There are no hours awaiting approval."), code="not_pending")
    signup.refresh_from_db()
    hours = Decimal(signup.reported_minutes) / 60
    text = in_default_language(
        lambda: (
            (
                _("Your %(hours)s volunteer hours for “%(title)s” were approved.")
                if approve
                else _("Your %(hours)s volunteer hours for “%(title)s” were not approved.")
            )
            % {"hours": f"{hours:.1f}", "title": signup.activity.title}
        )
    )
    notify([signup.resident.user], text, now)
    return signup


@transaction.atomic
def volunteer_profile_save(
    *, user, skills: str = "", show_party_identity: bool = False, now=None
) -> VolunteerProfile:
    now = now or timezone.now()
    resident = resident_for_user(user=user)
    if resident is None:
        raise NotFound()
    if show_party_identity and not resident.tags.filter(code="party_member").exists():
        refuse(_("Only residents recorded as party members can show a party identity."))
    profile, _created = VolunteerProfile.objects.update_or_create(
        resident=resident,
        defaults={
            "skills": skills.strip(),
            "show_party_identity": show_party_identity,
            "updated_at": now,
        },
    )
    return profile
