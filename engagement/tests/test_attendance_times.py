"""The daily sheet is taken when the session is on: nobody is marked absent (and no guardian
is told so) before it begins; leave may be recorded ahead."""

from datetime import UTC, date, datetime

import pytest

from cases.models import Notification, OutboxMessage
from core.errors import ApplicationError
from engagement import services
from engagement.models import Attendance
from engagement.tests.test_programmes import _enrol_child, prog  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 25)  # a Wednesday school day; the session is at 16:30 Beijing time


def _mark(enrolled, mark, now):
    return services.attendance_mark(
        actor=enrolled.world.community, enrolment=enrolled.enrolment, day=DAY, mark=mark, now=now
    )


@pytest.fixture
def enrolled(prog):  # noqa: F811
    prog.enrolment = _enrol_child(prog)
    return prog


@pytest.mark.parametrize("mark", ["absent", "present"])
def test_absent_or_present_before_the_session_is_refused_and_nobody_is_told(enrolled, mark):
    night = datetime(2026, 11, 24, 18, 51, tzinfo=UTC)  # 02:51 in Beijing, the UTC day before

    with pytest.raises(ApplicationError) as refused:
        _mark(enrolled, mark, night)

    assert "16:30" in refused.value.message
    assert not Attendance.objects.exists()
    assert (Notification.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_leave_can_be_recorded_before_the_session(enrolled):
    morning = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in Beijing

    attendance = _mark(enrolled, "leave", morning)

    assert attendance.mark == "leave"


def test_children_arriving_early_are_marked_present_and_absence_counts_from_the_start(enrolled):
    early = datetime(2026, 11, 25, 8, 5, tzinfo=UTC)  # 16:05 in Beijing
    start = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)  # 16:30 in Beijing

    present = _mark(enrolled, "present", early)
    with pytest.raises(ApplicationError):
        _mark(enrolled, "absent", early)
    absent = _mark(enrolled, "absent", start)

    assert (present.mark, absent.mark, absent.guardian_notified_at) == ("present", "absent", start)
