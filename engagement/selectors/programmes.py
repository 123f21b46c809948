"""Programmes (在城长): enrolment, the day's sheet, follow-ups, the termly summary."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from core.errors import NotFound
from engagement.selectors.access import (
    resident_communities,
    staff_area,
)
from orgs.selectors import scope_for
from residents.selectors import resident_for_user


def programmes_for(*, user) -> QuerySet:
    """Staff: programmes of their area. Residents: those of the communities they live in."""
    from engagement.models import Programme

    programmes = Programme.objects.select_related("community", "venue")
    if scope_for(user).is_staff:
        return programmes.filter(community__in=staff_area(user))
    resident = resident_for_user(user=user)
    return programmes.filter(community__in=resident_communities(resident))


def programme_get_for(*, user, programme_id):
    programme = programmes_for(user=user).filter(pk=programme_id).first()
    if programme is None:
        raise NotFound()
    return programme


def programme_get_for_staff(*, user, programme_id):
    if not scope_for(user).is_staff:
        raise NotFound()
    return programme_get_for(user=user, programme_id=programme_id)


def enrolments_active(programme) -> QuerySet:
    return programme.enrolments.filter(withdrawn_at__isnull=True).select_related(
        "child", "guardian"
    )


def guardian_enrolments(*, user, programme) -> QuerySet:
    resident = resident_for_user(user=user)
    if resident is None:
        return programme.enrolments.none()
    return enrolments_active(programme).filter(guardian=resident)


def enrolment_get_for(*, user, enrolment_id):
    """An enrolment of a programme the user sees (staff of its area, residents of its
    community); the service decides who may change it."""
    from engagement.models import Enrolment

    enrolment = (
        Enrolment.objects.select_related("programme", "guardian", "child")
        .filter(pk=enrolment_id, programme__in=programmes_for(user=user))
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def attendance_on(*, enrolment, day: date):
    """The child's mark on the day, if any (for an enrolment already read through scope)."""
    from engagement.models import Attendance

    return Attendance.objects.filter(enrolment=enrolment, day=day).first()


def enrolment_get_for_staff(*, user, enrolment_id):
    from engagement.models import Enrolment

    enrolment = (
        Enrolment.objects.select_related("programme", "child", "guardian")
        .filter(pk=enrolment_id, programme__community__in=staff_area(user))
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def attendance_get_for_staff(*, user, attendance_id):
    from engagement.models import Attendance

    attendance = (
        Attendance.objects.select_related("enrolment__programme", "enrolment__child")
        .filter(pk=attendance_id, enrolment__programme__community__in=staff_area(user))
        .first()
    )
    if attendance is None:
        raise NotFound()
    return attendance


def attendance_sheet(*, programme, day: date) -> list:
    """Every child enrolled on the day, with their mark (or None)."""
    from engagement.models import Attendance

    marks = {
        a.enrolment_id: a
        for a in Attendance.objects.filter(enrolment__programme=programme, day=day)
    }
    rows = []
    for enrolment in (
        enrolments_active(programme).filter(consent_at__date__lte=day).order_by("child__name", "id")
    ):
        enrolment.attendance = marks.get(enrolment.pk)
        rows.append(enrolment)
    return rows


def open_follow_ups(*, programme) -> QuerySet:
    from engagement.models import Attendance

    return (
        Attendance.objects.filter(enrolment__programme=programme, follow_up="open")
        .select_related("enrolment__child", "enrolment__guardian")
        .order_by("day", "id")
    )


@dataclass(frozen=True)
class ChildTerm:
    enrolment: object
    present: int
    absent: int
    leave: int
    sessions: int  # sessions held while the child was enrolled

    @property
    def rate(self) -> Decimal | None:
        """Share of the sessions held while enrolled that the child attended (percent)."""
        if not self.sessions:
            return None
        return (Decimal(100 * self.present) / self.sessions).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class TermSummary:
    programme: object
    sessions_held: int
    children: list
    absences: int
    followed_up: int
    follow_ups_open: int


def term_summary(*, programme) -> TermSummary:
    """The term so far: a session is held on a day attendance was taken; per child the
    sessions held while enrolled and how they were marked; absences and their follow-up."""
    from engagement.models import Attendance, Enrolment

    marks = Attendance.objects.filter(enrolment__programme=programme)
    days = sorted(set(marks.values_list("day", flat=True)))
    counts = {}
    for enrolment_id, mark, n in marks.values_list("enrolment_id", "mark").annotate(n=Count("id")):
        counts[(enrolment_id, mark)] = n
    children = []
    enrolments = (
        Enrolment.objects.filter(programme=programme)
        .select_related("child", "guardian")
        .order_by("child__name", "id")
    )
    for enrolment in enrolments:
        since = timezone.localdate(enrolment.consent_at)
        until = timezone.localdate(enrolment.withdrawn_at) if enrolment.withdrawn_at else None
        held = sum(1 for d in days if d >= since and (until is None or d <= until))
        children.append(
            ChildTerm(
                enrolment=enrolment,
                present=counts.get((enrolment.pk, "present"), 0),
                absent=counts.get((enrolment.pk, "absent"), 0),
                leave=counts.get((enrolment.pk, "leave"), 0),
                sessions=held,
            )
        )
    return TermSummary(
        programme=programme,
        sessions_held=len(days),
        children=children,
        absences=marks.filter(mark="absent").count(),
        followed_up=marks.filter(follow_up="done").count(),
        follow_ups_open=marks.filter(follow_up="open").count(),
    )
