"""Venues and activities, sign-ups (a resident's own and the rosters), volunteers."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import NotFound
from engagement.models import (
    Activity,
    Signup,
    Venue,
    VolunteerProfile,
)
from engagement.selectors.access import staff_area
from engagement.waitlist import with_waitlist_position


def venues_for(*, user) -> QuerySet[Venue]:
    return (
        Venue.objects.filter(community__in=staff_area(user))
        .select_related("community")
        .order_by("community__path", "name")
    )


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related("venue__community", "domain", "organiser_unit")


def upcoming_activities(*, now=None, community_id=None, domain_code="") -> QuerySet[Activity]:
    """The public calendar: everything that has not ended yet, soonest first."""
    now = now or timezone.now()
    activities = _activities().filter(ends_at__gt=now, cancelled_at__isnull=True)
    if community_id:
        activities = activities.filter(venue__community_id=community_id)
    if domain_code:
        activities = activities.filter(domain__code=domain_code)
    return activities.order_by("starts_at", "id")


def activity_get_public(*, activity_id) -> Activity:
    activity = _activities().filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    return activity


def activities_for_staff(*, user, now=None, past=False) -> QuerySet[Activity]:
    now = now or timezone.now()
    activities = _activities().filter(venue__community__in=staff_area(user))
    if past:
        return activities.filter(ends_at__lte=now).order_by("-starts_at", "-id")
    return activities.filter(ends_at__gt=now).order_by("starts_at", "id")


def activity_get_for_staff(*, user, activity_id) -> Activity:
    activity = _activities().filter(pk=activity_id, venue__community__in=staff_area(user)).first()
    if activity is None:
        raise NotFound()
    return activity


def roster(*, activity: Activity) -> QuerySet[Signup]:
    """Who is coming: confirmed first (volunteers, then participants), then the waitlist."""
    order = Case(
        When(status=Signup.Status.CONFIRMED, then=0), default=1, output_field=IntegerField()
    )
    return (
        activity.signups.exclude(status=Signup.Status.CANCELLED)
        .select_related("resident", "activity")
        .annotate(waiting=order)
        .order_by("waiting", "-as_volunteer", "created_at", "id")
    )


def signup_get_for_staff(*, user, signup_id) -> Signup:
    signup = (
        Signup.objects.select_related("activity__venue__community", "resident")
        .filter(pk=signup_id, activity__venue__community__in=staff_area(user))
        .first()
    )
    if signup is None:
        raise NotFound()
    return signup


# ---------------------------------------------------------------------------------------------
# A resident's own sign-ups


def _own(user) -> Q:
    return Q(signed_up_by=user) | Q(resident__user=user)


def resident_signups(*, user) -> QuerySet[Signup]:
    if not user.is_authenticated:
        return Signup.objects.none()
    signups = Signup.objects.filter(_own(user)).select_related(
        "activity__venue", "activity__domain", "resident"
    )
    return with_waitlist_position(signups).order_by("-activity__starts_at", "-id")


def signups_for_activity(*, user, activity: Activity) -> QuerySet[Signup]:
    """The user's active sign-ups (for themselves or their household) for one activity."""
    return (
        resident_signups(user=user)
        .filter(activity=activity)
        .exclude(status=Signup.Status.CANCELLED)
        .order_by("id")
    )


def signup_get_for_resident(*, user, signup_id) -> Signup:
    signup = resident_signups(user=user).filter(pk=signup_id).first()
    if signup is None:
        raise NotFound()
    return signup


def waitlist_position(signup: Signup) -> int | None:
    """A list of sign-ups reads `waitlist_position` from `with_waitlist_position` instead."""
    if signup.status != Signup.Status.WAITLISTED:
        return None
    one = with_waitlist_position(Signup.objects.filter(pk=signup.pk))
    return one.values_list("waitlist_position", flat=True).get()


def notices_for(*, user, limit=10) -> list:
    """The latest notifications about anything but cases (activities, programmes …)."""
    from cases.models import Notification

    if not user.is_authenticated:
        return []
    return list(Notification.objects.filter(user=user, case__isnull=True)[:limit])


# ---------------------------------------------------------------------------------------------
# Volunteers and party members


def party_roster() -> QuerySet[VolunteerProfile]:
    """Party members who chose to show their identity, with their approved volunteer hours."""
    approved_reported = Sum(
        Case(
            When(
                resident__activity_signups__hours_status=Signup.HoursStatus.APPROVED,
                then=F("resident__activity_signups__reported_minutes"),
            ),
            default=0,
            output_field=IntegerField(),
        )
    )
    return (
        VolunteerProfile.objects.filter(
            show_party_identity=True, resident__tags__code="party_member"
        )
        .select_related("resident")
        .annotate(
            minutes=Coalesce(Sum("resident__activity_signups__measured_minutes"), 0)
            + Coalesce(approved_reported, 0)
        )
        .order_by("resident__name", "id")
    )


def minutes_as_hours(minutes: int) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
