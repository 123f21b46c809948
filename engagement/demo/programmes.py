"""The demo's after-school programme this term: children enrolled with their guardian's
consent, the last fortnight of attendance, two absences (one followed up, one still open)."""

from datetime import timedelta

from django.utils import timezone

from engagement import services
from engagement.demo.common import AFTER_SCHOOL_TEXT, at
from engagement.models import Attendance, Programme
from engagement.selectors import household_members
from residents.models import Resident

PROGRAMME_NAME = "在城长 四点半课堂（本学期）"
PROGRAMME_CHILDREN = 10
PROGRAMME_DAYS = 10  # school days of attendance already taken


def programme_seed(*, community, venue, staff, now, rng) -> int:
    if Programme.objects.filter(community=community).exists():
        return 0
    today = timezone.localdate(now)
    programme = services.programme_create(
        actor=staff,
        name=PROGRAMME_NAME,
        community=community,
        venue=venue,
        term_start=today - timedelta(days=70),
        term_end=today + timedelta(days=60),
        capacity=30,
        description=AFTER_SCHOOL_TEXT,
        now=now - timedelta(days=75),
    )
    enrolments = _enrol(programme=programme, community=community, staff=staff, now=now)
    days = _school_days(programme, today)
    absences = _attendance(enrolments, days, staff=staff, rng=rng)
    for absence in absences[:-1]:
        services.absence_follow_up(
            actor=staff,
            attendance=absence,
            outcome="已电话联系家长：孩子身体不适在家休息",
            now=at(absence.day, "18:00"),
        )
    return 1 + len(enrolments) + Attendance.objects.filter(enrolment__in=enrolments).count()


def _enrol(*, programme, community, staff, now) -> list:
    """Children of the community whose guardian's household names them once, enrolled by staff."""
    here = Resident.objects.filter(ties__household__unit__building__estate__community=community)
    children = list(
        here.filter(birth_date__year__gte=2014, birth_date__year__lte=2020)
        .distinct()
        .order_by("id")[:60]
    )
    enrolments = []
    for child in children:
        guardian = (
            Resident.objects.filter(
                ties__household__ties__resident=child, birth_date__year__lte=1996
            )
            .exclude(pk=child.pk)
            .order_by("id")
            .first()
        )
        names = [r.name for r in household_members(guardian)] if guardian else []
        if guardian is None or names.count(child.name) != 1:
            continue
        enrolments.append(
            services.enrol_by_staff(
                actor=staff,
                programme=programme,
                guardian_mobile=guardian.mobile,
                child_name=child.name,
                now=now - timedelta(days=70),
            )
        )
        if len(enrolments) == PROGRAMME_CHILDREN:
            break
    return enrolments


def _school_days(programme, today) -> list:
    """The last PROGRAMME_DAYS school days of the term before today, newest first."""
    days, day = [], today
    while len(days) < PROGRAMME_DAYS and day > programme.term_start:
        day -= timedelta(days=1)
        if services.is_school_day(day):
            days.append(day)
    return days


def _attendance(enrolments, days, *, staff, rng) -> list[Attendance]:
    """Mark every day's sheet; returns the absences."""
    absences = []
    for day in sorted(days):
        moment = at(day, "16:45")
        for enrolment in enrolments:
            roll = rng.random()
            mark = "present" if roll < 0.9 else "leave" if roll < 0.97 else "absent"
            marked = services.attendance_mark(
                actor=staff, enrolment=enrolment, day=day, mark=mark, now=moment
            )
            if mark == "absent":
                absences.append(marked)
    if enrolments and days and len(absences) < 2:  # the demo needs one of each follow-up
        for enrolment in enrolments[:2]:
            absences.append(
                services.attendance_mark(
                    actor=staff,
                    enrolment=enrolment,
                    day=max(days),
                    mark="absent",
                    now=at(max(days), "16:50"),
                )
            )
    return absences
