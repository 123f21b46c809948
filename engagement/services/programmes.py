"""Programmes with enrolment and daily attendance (the 在城长 after-school programme).

A child is enrolled with the consent of a guardian of the same household: given online by the
guardian, or a signed form collected by staff (who is recorded). Staff mark each child present,
absent or on leave on the day's sheet; sessions are held on school days only (the Chinese
holiday calendar in `catalog`: no session on weekends and holidays, but on adjusted workdays).
An unexplained absence opens a follow-up and tells the guardian (Notification + outbox, as for
cases); staff record the outcome.
"""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.selectors import is_workday
from core.errors import NotFound, validated
from engagement.models import Attendance, Enrolment, Programme, Venue
from engagement.selectors import household_members
from engagement.services.common import (
    in_default_language,
    notify,
    refuse,
    require_in_area,
    require_manage,
)
from orgs.models import OrgUnit
from residents.models import Resident
from residents.selectors import resident_for_user


def is_school_day(day: date) -> bool:
    """School days are the working days of the one calendar: weekdays, except statutory
    holidays; adjusted workdays (调休) count."""
    return is_workday(day)


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    community: OrgUnit,
    venue: Venue,
    term_start: date,
    term_end: date,
    capacity: int,
    session_time=None,
    description: str = "",
    now: datetime | None = None,
) -> Programme:
    now = now or timezone.now()
    require_manage(actor, community.pk)
    programme = Programme(
        name=name.strip(),
        community=community,
        venue=venue,
        term_start=term_start,
        term_end=term_end,
        capacity=capacity,
        description=description.strip(),
        created_by=actor,
        created_at=now,
    )
    if session_time is not None:
        programme.session_time = session_time
    validated(programme)
    programme.save()
    return programme


def _check_guardian(guardian: Resident, child: Resident) -> None:
    if guardian.pk == child.pk:
        refuse(_("A guardian must be someone other than the child."))
    if not household_members(guardian).filter(pk=child.pk).exists():
        refuse(_("The guardian must live in the same household as the child."))


def _enrol(*, programme, child, guardian, consent, actor, now) -> Enrolment:
    if programme.term_end < timezone.localdate(now):
        refuse(_("This term is over."), code="over")
    _check_guardian(guardian, child)
    # Lock the programme row so two enrolments cannot both take the last place.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    active = programme.enrolments.filter(withdrawn_at__isnull=True)
    if active.filter(child=child).exists():
        refuse(_("%(name)s is already enrolled.") % {"name": child}, code="duplicate")
    if active.count() >= programme.capacity:
        refuse(_("The programme is full."), code="full")
    enrolment = Enrolment(
        programme=programme,
        child=child,
        guardian=guardian,
        consent=consent,
        consent_at=now,
        consent_recorded_by=actor,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        refuse(_("%(name)s is already enrolled.") % {"name": child}, code="duplicate")
    return enrolment


@transaction.atomic
def enrol_by_guardian(*, user, programme: Programme, child: Resident, consent: bool, now=None):
    """A guardian enrols a child of their household and gives consent online."""
    now = now or timezone.now()
    guardian = resident_for_user(user=user)
    if guardian is None:
        raise NotFound()
    if not consent:
        refuse(_("Please confirm that you consent as the child's guardian."), code="no_consent")
    return _enrol(
        programme=programme,
        child=child,
        guardian=guardian,
        consent=Enrolment.Consent.ONLINE,
        actor=user,
        now=now,
    )


@transaction.atomic
def enrol_by_staff(
    *, actor, programme: Programme, guardian_mobile: str, child_name: str, now=None
) -> Enrolment:
    """Staff enrol a child with the guardian's signed consent form in hand."""
    now = now or timezone.now()
    require_manage(actor, programme.community_id)
    guardian = Resident.objects.filter(mobile=guardian_mobile.strip()).first()
    if guardian is None:
        refuse(_("No resident with this mobile number."), code="unknown_guardian")
    child = household_members(guardian).filter(name=child_name.strip()).first()
    if child is None or child.pk == guardian.pk:
        refuse(
            _("No one called %(name)s lives in the guardian's household.")
            % {"name": child_name.strip()},
            code="unknown_child",
        )
    return _enrol(
        programme=programme,
        child=child,
        guardian=guardian,
        consent=Enrolment.Consent.PAPER,
        actor=actor,
        now=now,
    )


@transaction.atomic
def enrolment_withdraw(*, actor, enrolment: Enrolment, now=None) -> Enrolment:
    now = now or timezone.now()
    guardian_user = enrolment.guardian.user_id
    if guardian_user != actor.pk:
        require_manage(actor, enrolment.programme.community_id)
    if not Enrolment.objects.filter(pk=enrolment.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    ):
        refuse(_("Already withdrawn."), code="withdrawn")
    enrolment.withdrawn_at = now
    return enrolment


ARRIVALS_FROM = timedelta(minutes=30)  # children may be marked present this early


def _session_opened(programme: Programme, day: date, mark: str, now: datetime) -> None:
    """Leave may be recorded ahead; a child arriving early is present; absent (which tells the
    guardian) only once the session has begun."""
    if mark == Attendance.Mark.LEAVE:
        return
    starts = timezone.make_aware(datetime.combine(day, programme.session_time))
    opens = starts - ARRIVALS_FROM if mark == Attendance.Mark.PRESENT else starts
    if now < opens:
        refuse(
            _(
                "The session begins at %(time)s: mark children present from %(opens)s, absent "
                "from %(time)s; leave can be recorded at any time."
            )
            % {"time": f"{starts:%H:%M}", "opens": f"{starts - ARRIVALS_FROM:%H:%M}"},
            code="not_yet",
        )


def session_check(programme: Programme, day: date, now: datetime) -> None:
    """Refuse a day without a session: outside the term, in the future, or not a school day."""
    if not programme.term_start <= day <= programme.term_end:
        refuse(_("%(day)s is outside the term.") % {"day": day}, code="no_session")
    if day > timezone.localdate(now):
        refuse(_("Attendance is taken on the day, not before."), code="future")
    if not is_school_day(day):
        refuse(_("%(day)s is not a school day: no session.") % {"day": day}, code="no_session")


@transaction.atomic
def attendance_mark(*, actor, enrolment: Enrolment, day: date, mark: str, now=None) -> Attendance:
    """Mark one child for one day (again, to correct). An absence without leave opens a
    follow-up and tells the guardian; correcting it to present or leave closes it."""
    now = now or timezone.now()
    programme = enrolment.programme
    require_in_area(actor, programme.community_id)
    if mark not in Attendance.Mark.values:
        refuse(_("Choose present, absent or on leave."))
    session_check(programme, day, now)
    _session_opened(programme, day, mark, now)
    if enrolment.withdrawn_at is not None:
        refuse(_("%(name)s has left the programme.") % {"name": enrolment.child})
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        enrolment=enrolment,
        day=day,
        defaults={"mark": mark, "recorded_by": actor, "recorded_at": now},
    )
    if not _created:
        attendance.mark, attendance.recorded_by, attendance.recorded_at = mark, actor, now
    if mark == Attendance.Mark.ABSENT:
        if attendance.follow_up == Attendance.FollowUp.NONE:
            attendance.follow_up = Attendance.FollowUp.OPEN
        if attendance.guardian_notified_at is None:
            attendance.guardian_notified_at = now
            _tell_guardian(enrolment, day, now)
    elif attendance.follow_up == Attendance.FollowUp.OPEN:
        attendance.follow_up = Attendance.FollowUp.NONE  # a mistaken absence, corrected
    attendance.save()
    return attendance


def _tell_guardian(enrolment: Enrolment, day: date, now) -> None:
    guardian = enrolment.guardian
    programme = enrolment.programme
    text = in_default_language(
        lambda: (
            _(
                "%(child)s was not at %(programme)s on %(day)s (%(time)s) and no leave was asked "
                "for. Please tell the community staff whether all is well."
            )
            % {
                "child": enrolment.child,
                "programme": programme.name,
                "day": f"{day:%Y-%m-%d}",
                "time": programme.session_time.strftime("%H:%M")
                if hasattr(programme.session_time, "strftime")
                else programme.session_time,
            }
        )
    )
    notify(
        [guardian.user] if guardian.user_id else [],
        text,
        now,
        link=reverse("engagement:programme", args=[programme.pk]),
        mobiles=[] if guardian.user_id else [guardian.mobile],
    )


@transaction.atomic
def absence_follow_up(*, actor, attendance: Attendance, outcome: str, now=None) -> Attendance:
    """Staff record what they learnt about an unexplained absence; the follow-up is done."""
    now = now or timezone.now()
    require_in_area(actor, attendance.enrolment.programme.community_id)
    outcome = outcome.strip()
    if not outcome:
        refuse(_("Write down what you learnt."), code="empty")
    if not Attendance.objects.filter(pk=attendance.pk, follow_up=Attendance.FollowUp.OPEN).update(
        follow_up=Attendance.FollowUp.DONE,
        outcome=outcome[:300],
        followed_up_by=actor,
        followed_up_at=now,
    ):
        refuse(_("This absence has no open follow-up."), code="not_open")
    attendance.refresh_from_db()
    return attendance
