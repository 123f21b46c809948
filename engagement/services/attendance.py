"""At the door and after: check-in (by list or code), a volunteer's check-out and hours,
staff approving hours, and the volunteer profile."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from engagement.models import Activity, Signup, VolunteerProfile
from engagement.services.common import (
    in_default_language,
    notify,
    refuse,
    require_in_area,
    require_manage,
)
from engagement.services.signups import normalise_code
from residents.selectors import resident_for_user

CHECK_IN_OPENS = timedelta(hours=2)  # before the start
CHECK_IN_CLOSES = timedelta(hours=24)  # after the end: staff may catch up the next day
CHECK_OUT_GRACE = timedelta(hours=2)  # a forgotten check-out counts until 2 h after the end
MAX_REPORTED_HOURS = Decimal(24)


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
