"""A refused tap on the 在城长 attendance sheet, on a phone: the message appears in the child's
row, and nothing is recorded; with no network the same row says so."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing import sign_in
from engagement import services
from engagement.models import Attendance
from engagement.tests.factories import make_household_member, make_venue, resident_user

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_refused_and_unsent_attendance_is_told_in_the_childs_row(phone, live_server, world):
    day = timezone.localdate() - timedelta(days=1)  # yesterday's sheet: its session is over
    while not services.is_school_day(day):
        day -= timedelta(days=1)
    programme = services.programme_create(
        actor=world.community,
        name="在城长",
        community=world.C1,
        venue=make_venue(world.C1),
        term_start=day - timedelta(days=30),
        term_end=day + timedelta(days=30),
        capacity=30,
    )
    resident_user(world.R1)
    enrolments = {}
    for name, mobile in [("小明", "13905329911"), ("小红", "13905329912")]:
        make_household_member(world.H1, name=name, mobile=mobile)
        enrolments[name] = services.enrol_by_staff(
            actor=world.community,
            programme=programme,
            guardian_mobile=world.R1.mobile,
            child_name=name,
            now=timezone.now() - timedelta(days=31),
        )
    sign_in(phone, live_server, world.community)
    phone.goto(f"/engagement/programmes/{programme.pk}/attendance/{day.isoformat()}/")
    rows = phone.locator("[data-child]")
    rows.first.wait_for()

    # A colleague withdraws 小明 while this sheet is open.
    services.enrolment_withdraw(actor=world.secretary, enrolment=enrolments["小明"])
    rows.filter(has_text="小明").locator('button[value="present"]').click()
    rows.filter(has_text="小明").get_by_role("alert").get_by_text("小明 已退出本项目。").wait_for()

    # No network for the next tap: the row says nothing was sent.
    phone.route("**/mark/", lambda route: route.abort())
    rows.filter(has_text="小红").locator('button[value="absent"]').click()
    refusal = rows.filter(has_text="小红").locator("form + .hgj-refusal")
    refusal.get_by_text("网络连接失败，请检查网络后重试。").wait_for()
    phone.shot("refusal-engagement-attendance")

    assert rows.filter(has_text="小红").get_attribute("data-mark") == ""
    assert Attendance.objects.count() == 0
