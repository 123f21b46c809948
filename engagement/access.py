"""Access selectors for programme enrolments, beside `engagement.selectors` and under its
rules: missing and out of scope are the same 404."""

from datetime import date

from core.errors import NotFound
from engagement.models import Attendance, Enrolment
from engagement.selectors import programmes_for


def enrolment_get_for(*, user, enrolment_id) -> Enrolment:
    """An enrolment of a programme the user sees (staff of its area, residents of its
    community); the service decides who may change it."""
    enrolment = (
        Enrolment.objects.select_related("programme", "guardian", "child")
        .filter(pk=enrolment_id, programme__in=programmes_for(user=user))
        .first()
    )
    if enrolment is None:
        raise NotFound()
    return enrolment


def attendance_on(*, enrolment: Enrolment, day: date) -> Attendance | None:
    """The child's mark on the day, if any (for an enrolment already read through scope)."""
    return Attendance.objects.filter(enrolment=enrolment, day=day).first()
