"""The issue's "done when", in a real browser on a phone: a resident finds an activity, signs
up (or joins the waitlist and is promoted), is checked in; and a deliberation topic is
followed from proposal to its completed actions."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Notification
from core.testing import PASSWORD
from engagement.models import Signup, Topic
from engagement.tests.factories import make_activity, make_venue
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _sign_in_resident(page, mobile):
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.goto("/accounts/resident/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", SmsMessage.objects.filter(mobile=mobile).latest("id").body).group()
    page.get_by_label("验证码").fill(code)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def _back_as(page, live_server, resident):
    """Sign a resident in again (a second text message so soon would be rate-limited)."""
    from django.conf import settings
    from django.test import Client

    resident.refresh_from_db()
    client = Client()
    client.force_login(resident.user)
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _sign_in_staff(page, username):
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def _sign_up_on_the_calendar(phone, activity):
    phone.goto("/engagement/")
    phone.locator(f'a[href="/engagement/activities/{activity.pk}/"]').first.click()
    phone.locator(f'form[action="/engagement/activities/{activity.pk}/sign-up/"] button').click()
    phone.wait_for_load_state()


def test_resident_finds_signs_up_is_waitlisted_promoted_and_checked_in(phone, live_server, world):
    venue = make_venue(world.C1, name="先锋驿站", capacity=50)
    start = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    activity = make_activity(venue, capacity=1, starts_at=start, title="亲子武术")

    # 居民2 takes the only place.
    _sign_in_resident(phone, world.R2.mobile)
    _sign_up_on_the_calendar(phone, activity)
    phone.locator('[data-status="confirmed"] [data-code]').wait_for()

    # 居民1 finds the activity on a phone: full, so the waitlist.
    _sign_in_resident(phone, world.R1.mobile)
    _sign_up_on_the_calendar(phone, activity)
    phone.locator('[data-status="waitlisted"]').wait_for()
    phone.shot("engagement-1-waitlisted")

    # 居民2 cancels from "my sign-ups"; 居民1 moves up and is told.
    _back_as(phone, live_server, world.R2)
    phone.goto("/engagement/mine/")
    phone.locator('form[action*="/cancel/"] button').first.click()
    phone.wait_for_load_state()
    _back_as(phone, live_server, world.R1)
    phone.goto("/engagement/mine/")
    phone.locator("[data-notice]").first.wait_for()
    code = Signup.objects.get(resident=world.R1).code
    assert code in phone.locator("[data-notice]").first.inner_text()
    phone.goto(f"/engagement/activities/{activity.pk}/")
    assert phone.locator('[data-status="confirmed"] [data-code]').inner_text() == code
    phone.shot("engagement-2-promoted")
    note = Notification.objects.filter(user=world.R1.user).latest("id")
    assert code in note.text and note.link == f"/engagement/activities/{activity.pk}/"

    # Community staff check 居民1 in by tapping the row on a phone (htmx).
    _sign_in_staff(phone, world.community.username)
    phone.goto(f"/engagement/staff/activities/{activity.pk}/")
    row = phone.locator('tr[data-status="confirmed"]')
    row.locator("button").click()
    phone.locator("[data-checked-in]").wait_for()
    phone.shot("engagement-3-checked-in")
    assert Signup.objects.get(resident=world.R1).checked_in_by == world.community


def test_topic_followed_from_proposal_to_completed_actions_on_a_phone(phone, live_server, world):
    venue = make_venue(world.C1, name="幸福驿站", capacity=30)

    # A resident proposes on a phone; a neighbour supports it.
    _sign_in_resident(phone, world.R1.mobile)
    phone.goto("/engagement/deliberation/new/")
    phone.locator('[name="title"]').fill("增设电动车充电棚")
    phone.locator('[name="description"]').fill("夜里飞线充电很危险")
    phone.locator('[name="community"]').select_option(str(world.C1.pk))
    phone.locator('form[method="post"] button[type="submit"]').last.click()
    phone.wait_for_load_state()
    topic = Topic.objects.get()
    _sign_in_resident(phone, world.R2.mobile)
    phone.goto(f"/engagement/deliberation/{topic.pk}/")
    phone.locator(f'form[action="/engagement/deliberation/{topic.pk}/support/"] button').click()
    phone.locator('[data-supporters="2"]').wait_for()

    # The secretary schedules, records, decides and adds an action, all on the topic page.
    _sign_in_staff(phone, world.secretary.username)
    page_url = f"/engagement/deliberation/{topic.pk}/"
    # Proposed three days ago; the minutes are entered after the meeting an hour ago.
    Topic.objects.filter(pk=topic.pk).update(created_at=timezone.now() - timedelta(days=3))
    meeting_at = timezone.localtime() - timedelta(hours=1)

    def step(name, fill):
        phone.goto(page_url)
        form = phone.locator(f'form[data-step="{name}"]')
        form.locator("xpath=ancestor::details").locator("summary").click()
        fill(form)
        form.locator('button[type="submit"]').click()
        phone.wait_for_load_state()

    step(
        "schedule",
        lambda f: (
            f.locator('[name="starts_at"]').fill(meeting_at.strftime("%Y-%m-%dT%H:%M")),
            f.locator('[name="venue"]').select_option(str(venue.pk)),
            f.locator('[name="agenda"]').fill("选址和收费"),
        ),
    )
    step(
        "record",
        lambda f: (
            f.locator('[name="attendee_mobiles"]').fill(f"{world.R1.mobile}\n{world.R2.mobile}"),
            f.locator('[name="minutes"]').fill("到会居民一致同意"),
        ),
    )
    step("decide", lambda f: f.locator('[name="decision"][value="adopted"]').check())
    step(
        "action",
        lambda f: (
            f.locator('[name="title"]').fill("选址并公示"),
            f.locator('[name="owner"]').fill("方圆物业"),
            f.locator('[name="deadline"]').fill("2030-01-31"),
        ),
    )
    phone.goto(page_url)
    action = phone.locator('[data-action][data-done="0"]')
    action.locator("summary").click()
    action.locator('[name="progress"]').fill("充电棚已建成投用")
    action.locator('[name="done"]').check()
    action.locator('button[type="submit"]').click()
    phone.locator('[data-done="1"]').wait_for()

    # The resident follows it to the end.
    _back_as(phone, live_server, world.R1)
    phone.goto(page_url)
    phone.locator("[data-complete]").wait_for()
    phone.locator('[data-decision="adopted"]').wait_for()
    assert "充电棚已建成投用" in phone.content()
    phone.shot("engagement-4-topic-complete")


def test_staff_take_the_attendance_sheet_on_a_phone(phone, world):
    from datetime import date

    from engagement import services
    from engagement.models import Attendance
    from engagement.tests.factories import make_household_member, resident_user

    venue = make_venue(world.C1, name="先锋驿站", capacity=50)
    day = timezone.localdate() - timedelta(days=1)  # a day whose session has been held
    while not services.is_school_day(day):
        day -= timedelta(days=1)
    programme = services.programme_create(
        actor=world.community,
        name="在城长",
        community=world.C1,
        venue=venue,
        term_start=day - timedelta(days=30),
        term_end=day + timedelta(days=30),
        capacity=30,
    )
    resident_user(world.R1)
    children = [
        make_household_member(world.H1, name=name, mobile=mobile)
        for name, mobile in [("小明", "13905329911"), ("小红", "13905329912")]
    ]
    for child in children:
        services.enrol_by_staff(
            actor=world.community,
            programme=programme,
            guardian_mobile=world.R1.mobile,
            child_name=child.name,
            now=timezone.now() - timedelta(days=31),
        )

    _sign_in_staff(phone, world.community.username)
    phone.goto(f"/engagement/programmes/{programme.pk}/attendance/{day.isoformat()}/")
    rows = phone.locator("[data-child]")
    assert rows.count() == 2
    rows.filter(has_text="小明").locator('button[value="present"]').click()
    phone.locator('[data-child][data-mark="present"]').wait_for()
    rows.filter(has_text="小红").locator('button[value="absent"]').click()
    phone.locator('[data-child][data-mark="absent"]').wait_for()
    # The day's counts follow each tap: present-absent-leave-not marked.
    phone.locator('[data-counts="1-1-0-0"]').wait_for()
    phone.shot("engagement-5-attendance-sheet")

    absence = Attendance.objects.get(mark="absent")
    assert absence.follow_up == "open" and absence.enrolment.child.name == "小红"
    assert Notification.objects.filter(user=world.R1.user, case__isnull=True).exists()

    # The follow-up is recorded on the programme page.
    phone.goto(f"/engagement/programmes/{programme.pk}/")
    phone.locator(f'[data-follow-up="{absence.pk}"] [name="outcome"]').fill("家长说孩子发烧")
    phone.locator(f'[data-follow-up="{absence.pk}"] button').click()
    phone.wait_for_load_state()
    assert Attendance.objects.get(pk=absence.pk).follow_up == "done"
    assert date.today() >= day
