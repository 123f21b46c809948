"""The 在城长 after-school programme: enrolment with a guardian's consent, the daily sheet on
school days only, absence follow-up through notifications, and the termly summary."""

from datetime import date, datetime, time
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Notification, OutboxMessage
from core.errors import ApplicationError, NotFound
from core.testing import SH
from engagement import services
from engagement.models import Attendance, Enrolment
from engagement.tests.factories import make_household_member

pytestmark = pytest.mark.django_db

# The autumn term of 2026: 中秋 25–27 Sep, 国庆 1–7 Oct; Sun 20 Sep and Sat 10 Oct are
# adjusted workdays (调休) — the Chinese calendar seeded in `catalog`.
TERM = (date(2026, 9, 1), date(2027, 1, 20))


def at(day: date, hour=16, minute=40) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


@pytest.fixture(autouse=True)
def _clock():
    """The pages run on the clock of Wednesday 25 November 2026, after its session: inside
    the term, whatever day the tests run on."""
    with time_machine.travel(at(date(2026, 11, 25), 18), tick=False):
        yield


@pytest.fixture
def prog(eng):
    w = eng.world
    programme = services.programme_create(
        actor=w.community,
        name="在城长 2026秋季",
        community=w.C1,
        venue=eng.venue,
        term_start=TERM[0],
        term_end=TERM[1],
        capacity=2,
        now=at(date(2026, 8, 20)),
    )
    eng.programme = programme
    eng.second_child = make_household_member(w.H1, name="居民1的小女儿", mobile="13905329903")
    return eng


def _enrol_child(eng, now=None):
    return services.enrol_by_guardian(
        user=eng.u1,
        programme=eng.programme,
        child=eng.child,
        consent=True,
        now=now or at(date(2026, 8, 25)),
    )


# ---------------------------------------------------------------------------------------------
# Enrolment and consent


def test_guardian_enrols_a_child_of_the_household_with_consent_recorded(prog):
    enrolment = _enrol_child(prog)

    assert (enrolment.child, enrolment.guardian) == (prog.child, prog.world.R1)
    assert enrolment.consent == Enrolment.Consent.ONLINE
    assert enrolment.consent_recorded_by == prog.u1
    assert enrolment.consent_at == at(date(2026, 8, 25))


def test_enrolment_without_consent_or_outside_the_household_is_refused(prog):
    with pytest.raises(ApplicationError, match="consent"):
        services.enrol_by_guardian(
            user=prog.u1, programme=prog.programme, child=prog.child, consent=False
        )
    with pytest.raises(ApplicationError, match="same household"):
        services.enrol_by_guardian(
            user=prog.u2, programme=prog.programme, child=prog.child, consent=True
        )
    with pytest.raises(ApplicationError, match="other than the child"):
        services.enrol_by_guardian(
            user=prog.u1, programme=prog.programme, child=prog.world.R1, consent=True
        )
    assert not Enrolment.objects.exists()


def test_staff_enrol_with_a_paper_form_and_capacity_and_duplicates_are_refused(prog):
    w = prog.world
    first = services.enrol_by_staff(
        actor=w.community,
        programme=prog.programme,
        guardian_mobile=w.R1.mobile,
        child_name="居民1的孩子",
        now=at(date(2026, 8, 25)),
    )
    assert (first.consent, first.consent_recorded_by, first.guardian) == (
        "paper",
        w.community,
        w.R1,
    )
    with pytest.raises(ApplicationError, match="already enrolled"):
        _enrol_child(prog)
    services.enrol_by_staff(
        actor=w.community,
        programme=prog.programme,
        guardian_mobile=w.R1.mobile,
        child_name="居民1的小女儿",
        now=at(date(2026, 8, 25)),
    )
    third = make_household_member(w.H2, name="居民2的孩子", mobile="13905329904")
    with pytest.raises(ApplicationError, match="full"):
        services.enrol_by_staff(
            actor=w.community,
            programme=prog.programme,
            guardian_mobile=w.R2.mobile,
            child_name=third.name,
            now=at(date(2026, 8, 25)),
        )
    with pytest.raises(ApplicationError, match="No one called"):
        services.enrol_by_staff(
            actor=w.community,
            programme=prog.programme,
            guardian_mobile=w.R2.mobile,
            child_name="居民1的孩子",
        )


def test_staff_of_another_community_cannot_enrol(prog):
    from core.testing import make_user
    from orgs.roles import Role

    other = make_user("c2staff", role=Role.COMMUNITY_STAFF, org_unit=prog.world.C2)
    with pytest.raises(NotFound):
        services.enrol_by_staff(
            actor=other,
            programme=prog.programme,
            guardian_mobile=prog.world.R1.mobile,
            child_name="居民1的孩子",
        )


# ---------------------------------------------------------------------------------------------
# The daily sheet: school days only


@pytest.mark.parametrize(
    ("day", "school"),
    [
        (date(2026, 9, 22), True),  # a Tuesday
        (date(2026, 9, 19), False),  # a Saturday
        (date(2026, 9, 20), True),  # Sunday, but an adjusted workday (调休)
        (date(2026, 9, 25), False),  # 中秋 on a Friday
        (date(2026, 10, 6), False),  # 国庆 on a Tuesday
        (date(2026, 10, 10), True),  # Saturday, adjusted workday
    ],
)
def test_school_days_follow_the_holiday_calendar(day, school):
    assert services.is_school_day(day) is school


def test_marking_on_a_holiday_weekend_future_or_outside_the_term_is_refused(prog):
    enrolment = _enrol_child(prog)
    staff = prog.world.community
    for day, message in [
        (date(2026, 10, 6), "not a school day"),
        (date(2026, 9, 19), "not a school day"),
        (date(2027, 2, 1), "outside the term"),
        (date(2026, 10, 13), "on the day"),
    ]:
        with pytest.raises(ApplicationError, match=message):
            services.attendance_mark(
                actor=staff,
                enrolment=enrolment,
                day=day,
                mark="present",
                now=at(date(2026, 10, 12)),
            )
    assert not Attendance.objects.exists()
    services.attendance_mark(
        actor=staff,
        enrolment=enrolment,
        day=date(2026, 9, 20),
        mark="present",
        now=at(date(2026, 9, 20)),
    )  # an adjusted workday has a session


# ---------------------------------------------------------------------------------------------
# Absence follow-up


def test_unexplained_absence_notifies_the_guardian_and_staff_record_the_outcome(prog):
    enrolment = _enrol_child(prog)
    staff, day = prog.world.community, date(2026, 9, 22)

    absence = services.attendance_mark(
        actor=staff, enrolment=enrolment, day=day, mark="absent", now=at(day)
    )

    assert absence.follow_up == "open" and absence.guardian_notified_at == at(day)
    note = Notification.objects.get(user=prog.u1)
    assert note.case is None and "居民1的孩子" in note.text and "2026-09-22" in note.text
    assert note.link == reverse("engagement:programme", args=[prog.programme.pk])
    sms = OutboxMessage.objects.get(notification=note)
    assert (sms.channel, sms.recipient, sms.state) == ("sms", prog.world.R1.mobile, "pending")

    # Marking absent again (a second tap) does not message the guardian twice.
    services.attendance_mark(actor=staff, enrolment=enrolment, day=day, mark="absent", now=at(day))
    assert Notification.objects.filter(user=prog.u1).count() == 1

    done = services.absence_follow_up(
        actor=staff, attendance=absence, outcome="发烧在家，家长已来电", now=at(day, 18)
    )
    assert (done.follow_up, done.outcome, done.followed_up_by) == (
        "done",
        "发烧在家，家长已来电",
        staff,
    )
    with pytest.raises(ApplicationError, match="no open follow-up"):
        services.absence_follow_up(actor=staff, attendance=absence, outcome="again")


def test_leave_needs_no_follow_up_and_a_corrected_absence_closes_it(prog):
    enrolment = _enrol_child(prog)
    staff, day = prog.world.community, date(2026, 9, 22)

    leave = services.attendance_mark(
        actor=staff, enrolment=enrolment, day=day, mark="leave", now=at(day)
    )
    assert leave.follow_up == "" and not Notification.objects.exists()

    services.attendance_mark(actor=staff, enrolment=enrolment, day=day, mark="absent", now=at(day))
    corrected = services.attendance_mark(
        actor=staff, enrolment=enrolment, day=day, mark="present", now=at(day, 17)
    )
    assert corrected.follow_up == "" and Attendance.objects.count() == 1


def test_guardian_without_an_account_gets_a_text_message(prog):
    w = prog.world
    enrolment = services.enrol_by_staff(
        actor=w.community,
        programme=prog.programme,
        guardian_mobile=prog.neighbour.mobile,  # 邻居 (H2) has an account; R2 has one too
        child_name=w.R2.name,
        now=at(date(2026, 8, 25)),
    )
    enrolment.guardian.user = None
    enrolment.guardian.save()
    day = date(2026, 9, 22)
    services.attendance_mark(
        actor=w.community, enrolment=enrolment, day=day, mark="absent", now=at(day)
    )

    sms = OutboxMessage.objects.get()
    assert (sms.channel, sms.recipient, sms.notification) == ("sms", prog.neighbour.mobile, None)


# ---------------------------------------------------------------------------------------------
# Termly summary


def _two_weeks(prog):
    """Child present 3 of 4 sessions (one unexplained absence, followed up); sister enrolled
    later, 1 of 2 (one leave)."""
    staff = prog.world.community
    child = _enrol_child(prog)
    sister = services.enrol_by_guardian(
        user=prog.u1,
        programme=prog.programme,
        child=prog.second_child,
        consent=True,
        now=at(date(2026, 9, 23), 9),
    )
    days = [date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23), date(2026, 9, 24)]
    marks = {days[0]: "present", days[1]: "absent", days[2]: "present", days[3]: "present"}
    for day, mark in marks.items():
        a = services.attendance_mark(actor=staff, enrolment=child, day=day, mark=mark, now=at(day))
        if mark == "absent":
            services.absence_follow_up(actor=staff, attendance=a, outcome="生病", now=at(day, 18))
    for day, mark in {days[2]: "leave", days[3]: "present"}.items():
        services.attendance_mark(actor=staff, enrolment=sister, day=day, mark=mark, now=at(day))
    return child, sister


def test_term_summary_counts_sessions_rates_and_follow_ups(prog):
    from engagement.selectors import term_summary

    child, sister = _two_weeks(prog)
    summary = term_summary(programme=prog.programme)

    assert (summary.sessions_held, summary.absences, summary.followed_up) == (4, 1, 1)
    rows = {c.enrolment.pk: c for c in summary.children}
    assert (rows[child.pk].sessions, rows[child.pk].present, str(rows[child.pk].rate)) == (
        4,
        3,
        "75.0",
    )
    assert (rows[sister.pk].sessions, rows[sister.pk].leave, str(rows[sister.pk].rate)) == (
        2,
        1,
        "50.0",
    )


def test_term_summary_page_and_excel_download(prog, client_for):
    _two_weeks(prog)
    client = client_for(prog.world.community)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("engagement:programme_summary", args=[prog.programme.pk]))
    assert page.status_code == 200
    assert "75.0%" in page.content.decode() and "50.0%" in page.content.decode()

    download = client.get(reverse("engagement:programme_summary_xlsx", args=[prog.programme.pk]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(download.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:2] == ("Sessions held", 4)
    table = {r[0]: r for r in rows[7:]}
    assert table["居民1的孩子"][3:] == (4, 3, 1, 0, 75.0)
    assert table["居民1的小女儿"][3:] == (2, 1, 0, 1, 50.0)


# ---------------------------------------------------------------------------------------------
# Pages: the sheet on a phone (htmx), scopes


def test_attendance_sheet_marks_a_child_with_htmx(prog, client_for):
    enrolment = _enrol_child(prog)
    client = client_for(prog.world.community)
    client.cookies["django_language"] = "en"
    school_day = date(2026, 11, 25)  # a Wednesday whose session has been held

    response = client.post(
        reverse("engagement:attendance_mark", args=[enrolment.pk]),
        {"day": school_day.isoformat(), "mark": "present"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert 'data-mark="present"' in response.content.decode()
    assert Attendance.objects.get().mark == "present"


def test_attendance_sheet_on_a_holiday_says_no_session(prog, client_for):
    _enrol_child(prog)
    client = client_for(prog.world.community)
    client.cookies["django_language"] = "en"

    holiday = client.get(
        reverse("engagement:attendance", args=[prog.programme.pk, "2026-10-06"])
    ).content.decode()
    school = client.get(
        reverse("engagement:attendance", args=[prog.programme.pk, "2026-09-22"])
    ).content.decode()

    assert "data-no-session" in holiday and "not a school day" in holiday
    assert "data-no-session" not in school and "居民1的孩子" in school
    assert f'href="/engagement/programmes/{prog.programme.pk}/attendance/2026-09-21/"' in school


def test_programme_pages_for_their_audiences_and_404_outside(prog, client_for):
    from core.testing import make_user
    from orgs.roles import Role

    enrolment = _enrol_child(prog)
    pk = prog.programme.pk
    other = make_user("c2staff", role=Role.COMMUNITY_STAFF, org_unit=prog.world.C2)
    for user, url, status in [
        (prog.world.community, reverse("engagement:programmes"), 200),
        (prog.world.community, reverse("engagement:programme", args=[pk]), 200),
        (prog.world.community, reverse("engagement:programme_new"), 200),
        (prog.u1, reverse("engagement:programme", args=[pk]), 200),
        (prog.u3, reverse("engagement:programme", args=[pk]), 404),  # lives in C2
        (prog.u1, reverse("engagement:programme_summary", args=[pk]), 404),
        (prog.u1, reverse("engagement:attendance", args=[pk, "2026-09-22"]), 404),
        (other, reverse("engagement:programme", args=[pk]), 404),
        (other, reverse("engagement:attendance", args=[pk, "2026-09-22"]), 404),
        (prog.world.community, reverse("engagement:attendance", args=[pk, "not-a-day"]), 404),
    ]:
        assert client_for(user).get(url).status_code == status, (user, url)
    response = client_for(other).post(
        reverse("engagement:attendance_mark", args=[enrolment.pk]),
        {"day": "2026-09-22", "mark": "absent"},
    )
    assert response.status_code == 404 and not Attendance.objects.exists()


def test_guardian_enrols_through_the_page_and_bad_input_shows_a_message(prog, client_for):
    client = client_for(prog.u1)
    client.cookies["django_language"] = "en"
    url = reverse("engagement:programme", args=[prog.programme.pk])

    refused = client.post(url, {"child": prog.child.pk})
    garbage = client.post(url, {"child": "x' or 1=1", "consent": "on"})
    enrolled = client.post(url, {"child": prog.child.pk, "consent": "on"})

    assert refused.status_code == 400 and "consent as the child" in refused.content.decode()
    assert garbage.status_code == 400
    assert enrolled.status_code == 302
    assert Enrolment.objects.get().consent == "online"


def test_staff_create_a_programme_and_record_a_follow_up_through_the_pages(prog, client_for):
    w = prog.world
    client = client_for(w.community)
    client.cookies["django_language"] = "en"
    created = client.post(
        reverse("engagement:programme_new"),
        {
            "name": "在城长 2027春季",
            "community": w.C1.pk,
            "venue": prog.venue.pk,
            "term_start": "2027-02-20",
            "term_end": "2027-01-01",
            "session_time": "16:30",
            "capacity": "30",
        },
    )
    assert created.status_code == 400 and "end after it starts" in created.content.decode()

    enrolment = _enrol_child(prog)
    day = date(2026, 9, 22)
    absence = services.attendance_mark(
        actor=w.community, enrolment=enrolment, day=day, mark="absent", now=at(day)
    )
    page = client.get(reverse("engagement:programme", args=[prog.programme.pk])).content.decode()
    assert f'data-follow-up="{absence.pk}"' in page

    client.post(reverse("engagement:follow_up", args=[absence.pk]), {"outcome": "  "})
    assert Attendance.objects.get().follow_up == "open"
    client.post(reverse("engagement:follow_up", args=[absence.pk]), {"outcome": "家长已接回"})
    assert Attendance.objects.get().outcome == "家长已接回"


def test_garbage_input_on_programme_pages_never_fails(prog, client_for):
    enrolment = _enrol_child(prog)
    staff = client_for(prog.world.community)
    pk = prog.programme.pk
    mark_url = reverse("engagement:attendance_mark", args=[enrolment.pk])
    for data in [
        {"day": "2026-09-22", "mark": "asleep"},
        {"day": "2026-13-45", "mark": "present"},
        {"day": "", "mark": ""},
        {"day": "9" * 300, "mark": "present"},
    ]:
        response = staff.post(mark_url, data)
        assert response.status_code in (302, 404), data
    for url, data in [
        (reverse("engagement:programme", args=[pk]), {"guardian_mobile": "abc", "child_name": ""}),
        (reverse("engagement:programme_new"), {"term_start": "yesterday", "capacity": "-1"}),
        (reverse("engagement:follow_up", args=[999999]), {"outcome": "x"}),
        (reverse("engagement:enrolment_withdraw", args=[999999]), {}),
    ]:
        assert staff.post(url, data).status_code in (302, 400, 404), url
    assert not Attendance.objects.exists()
    resident = client_for(prog.u1)
    assert (
        resident.post(reverse("engagement:programme", args=[pk]), {"child": ""}).status_code == 400
    )
    assert staff.get(reverse("engagement:attendance", args=[pk, "2026-02-30"])).status_code == 404
