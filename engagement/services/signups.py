"""Places at an activity: sign-up (or the waitlist), cancel, and the waitlist moving up.

Places are counted by conditional UPDATEs on `Activity.taken` (and `volunteers_taken`), so
exactly one of two people racing for the last place gets it (see `engagement.services`)."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, NotFound
from engagement.models import Activity, Signup
from engagement.selectors import household_members
from engagement.services.common import local_time, refuse, tell_signed_up
from residents.models import Resident
from residents.selectors import resident_for_user

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud at the door
CODE_LENGTH = 6


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


def _check_sign_up(*, activity, resident, me, as_volunteer, now) -> None:
    """Refuse unless `me` (the resident signed in, or None) may sign `resident` up now."""
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


@transaction.atomic
def signup_create(
    *, activity: Activity, resident: Resident, user, as_volunteer=False, now=None
) -> Signup:
    """A resident signs up themselves or a household member; when full, onto the waitlist."""
    now = now or timezone.now()
    me = resident_for_user(user=user)
    _check_sign_up(activity=activity, resident=resident, me=me, as_volunteer=as_volunteer, now=now)
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
    tell_signed_up(
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
        return waitlist_promote(signup.activity, as_volunteer=signup.as_volunteer, now=now)
    if _move_signup(signup, from_status=Signup.Status.WAITLISTED, **cancelled):
        return None
    refuse(_("This sign-up is already cancelled."), code="already_cancelled")


def waitlist_promote(activity: Activity, *, as_volunteer: bool, now) -> Signup | None:
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
            tell_signed_up(
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
