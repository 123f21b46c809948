"""Editing and cancelling activities, weekly series on the holiday calendar, and notices
(sign-up, waitlist, promotion, reminders, changes) through Notification + outbox."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from cases.models import Notification, OutboxMessage
from cases.worker import run_once
from core.errors import ApplicationError, NotFound
from core.testing import SH, T0
from engagement import services
from engagement.models import Activity, ActivitySeries, Signup
from engagement.tests.factories import make_activity

pytestmark = pytest.mark.django_db

NOW = T0


def _signup(eng, resident, user, activity=None, now=NOW):
    return services.signup_create(
        activity=activity or eng.activity, resident=resident, user=user, now=now
    )


def _notes(user):
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("text", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Notices


def test_sign_up_and_waitlist_are_confirmed_by_notification_and_text_message(eng):
    w = eng.world
    confirmed = _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    _signup(eng, eng.neighbour, eng.u_neighbour)  # full: waitlist

    mine = Notification.objects.get(user=eng.u1)
    assert confirmed.code in mine.text and "亲子武术" in mine.text  # in the platform's language
    assert mine.link == reverse("engagement:activity", args=[eng.activity.pk])
    waiting = Notification.objects.get(user=eng.u_neighbour)
    assert confirmed.code not in waiting.text and "亲子武术" in waiting.text
    assert set(OutboxMessage.objects.values_list("channel", "recipient")) == {
        ("sms", w.R1.mobile),
        ("sms", w.R2.mobile),
        ("sms", eng.neighbour.mobile),
    }


def test_signing_up_a_child_tells_the_parent_who_did_it(eng):
    _signup(eng, eng.child, eng.u1)

    assert Notification.objects.get().user == eng.u1
    # The child has no account but a mobile: a text message goes there too.
    assert set(OutboxMessage.objects.values_list("recipient", flat=True)) == {
        eng.world.R1.mobile,
        eng.child.mobile,
    }


def test_worker_reminds_confirmed_people_a_day_before_once(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    _signup(eng, eng.neighbour, eng.u_neighbour)  # waitlisted: no reminder
    before = Notification.objects.count()
    start = eng.activity.starts_at

    assert services.reminders_send(now=start - timedelta(hours=30)) == 0
    counts = run_once(now=start - timedelta(hours=20))
    again = services.reminders_send(now=start - timedelta(hours=2))

    assert counts["reminded"] == 2 and again == 0
    reminded = Notification.objects.order_by("id")[before:]
    assert {n.user for n in reminded} == {eng.u1, eng.u2}
    assert Signup.objects.filter(reminded_at__isnull=False).count() == 2


# ---------------------------------------------------------------------------------------------
# Editing and cancelling


def test_capacity_below_confirmed_sign_ups_is_refused_and_nothing_changes(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)

    with pytest.raises(ApplicationError, match="2 people already have a confirmed place"):
        services.activity_update(
            actor=w.community, activity=eng.activity, capacity=1, title="改名", now=NOW
        )

    activity = Activity.objects.get(pk=eng.activity.pk)
    assert (activity.capacity, activity.title) == (2, "亲子武术")


def test_more_places_promote_the_waitlist(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    waiting = _signup(eng, eng.neighbour, eng.u_neighbour)

    services.activity_update(actor=w.community, activity=eng.activity, capacity=3, now=NOW)

    assert Signup.objects.get(pk=waiting.pk).status == "confirmed"
    assert Activity.objects.get(pk=eng.activity.pk).taken == 3
    assert waiting.code in _notes(eng.u_neighbour)[-1]  # "a place became free … code"


def test_time_change_tells_everyone_signed_up_but_a_title_change_does_not(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, eng.child, eng.u1)
    told = Notification.objects.count()

    services.activity_update(actor=w.community, activity=eng.activity, title="亲子武术课", now=NOW)
    assert Notification.objects.count() == told

    later = eng.activity.starts_at + timedelta(hours=2)
    services.activity_update(
        actor=w.community,
        activity=eng.activity,
        starts_at=later,
        ends_at=later + timedelta(hours=1),
        now=NOW,
    )

    activity = Activity.objects.get(pk=eng.activity.pk)
    assert activity.starts_at == later and activity.ends_at == later + timedelta(hours=1)
    change = Notification.objects.filter(user=eng.u1).latest("id")
    assert later.astimezone(SH).strftime("%H:%M") in change.text
    assert Notification.objects.count() == told + 1  # one account, told once


def test_editing_needs_the_back_office_in_scope(eng):
    w = eng.world
    for user in (w.grid_worker, w.partner, eng.u1):
        with pytest.raises(NotFound):
            services.activity_update(actor=user, activity=eng.activity, title="x", now=NOW)


def test_cancelling_ends_every_sign_up_and_tells_everyone(eng):
    w = eng.world
    _signup(eng, w.R1, eng.u1)
    _signup(eng, w.R2, eng.u2)
    _signup(eng, eng.neighbour, eng.u_neighbour)  # waitlisted

    count = services.activity_cancel(
        actor=w.community, activity=eng.activity, reason="暴雨预警", now=NOW
    )

    assert count == 3
    activity = Activity.objects.get(pk=eng.activity.pk)
    assert activity.is_cancelled and activity.taken == 0
    assert set(activity.signups.values_list("status", flat=True)) == {"cancelled"}
    for user in (eng.u1, eng.u2, eng.u_neighbour):
        assert "暴雨预警" in _notes(user)[-1]
    with pytest.raises(ApplicationError, match="cancelled"):
        _signup(eng, eng.child, eng.u1)
    with pytest.raises(ApplicationError, match="already cancelled"):
        services.activity_cancel(actor=w.community, activity=activity, now=NOW)


# ---------------------------------------------------------------------------------------------
# Weekly series


def test_weekly_series_skips_public_holidays(eng):
    """Tuesdays from 15 Sep 2026 for 5 weeks: 6 Oct is 国庆, so four sessions."""
    w = eng.world
    start = datetime(2026, 9, 15, 9, 30, tzinfo=SH)
    created = services.activity_create(
        actor=w.community,
        title="健康义诊",
        organiser="社区卫生服务站",
        organiser_unit=w.C1,
        domain=eng.activity.domain,
        venue=eng.venue,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        weekly_weeks=5,
        now=datetime(2026, 9, 1, tzinfo=SH),
    )

    days = [a.starts_at.astimezone(SH).strftime("%m-%d %H:%M") for a in created]
    assert days == ["09-15 09:30", "09-22 09:30", "09-29 09:30", "10-13 09:30"]
    series = ActivitySeries.objects.get()
    assert series.sessions == 4 and "2026-10-06" in series.skipped
    assert {a.series_id for a in created} == {series.pk}


def test_series_edit_changes_every_coming_session_each_keeps_its_sign_ups(eng):
    w = eng.world
    start = T0 + timedelta(days=1)
    created = services.activity_create(
        actor=w.community,
        title="城市书坊·阅伴童年",
        organiser="社区",
        organiser_unit=w.C1,
        domain=eng.activity.domain,
        venue=eng.venue,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
        weekly_weeks=3,
        now=NOW,
    )
    _signup(eng, w.R1, eng.u1, activity=created[1])

    services.activity_update(
        actor=w.community,
        activity=created[0],
        whole_series=True,
        starts_at=start + timedelta(minutes=30),
        ends_at=start + timedelta(minutes=90),
        capacity=8,
        now=NOW,
    )

    sessions = list(Activity.objects.filter(series=created[0].series).order_by("starts_at"))
    assert [a.capacity for a in sessions] == [8, 8, 8]
    assert [a.starts_at - c.starts_at for a, c in zip(sessions, created, strict=True)] == [
        timedelta(minutes=30)
    ] * 3
    assert [a.taken for a in sessions] == [0, 1, 0]
    assert Notification.objects.filter(user=eng.u1).count() == 2  # signed up, then moved


# ---------------------------------------------------------------------------------------------
# Pages


def test_staff_edit_page_refuses_too_few_places_with_a_message(eng, client_for):
    from django.utils import timezone

    start = timezone.now().replace(microsecond=0) + timedelta(days=2)
    activity = make_activity(eng.venue, capacity=2, starts_at=start)
    services.signup_create(activity=activity, resident=eng.world.R1, user=eng.u1)
    services.signup_create(activity=activity, resident=eng.world.R2, user=eng.u2)
    client = client_for(eng.world.community)
    client.cookies["django_language"] = "en"
    local = timezone.localtime(start)
    data = {
        "title": activity.title,
        "venue": eng.venue.pk,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "organiser": activity.organiser,
        "audience": "",
        "capacity": "1",
        "volunteer_capacity": "0",
        "description": "",
    }
    url = reverse("engagement:activity_edit", args=[activity.pk])

    form = client.get(url)
    assert form.status_code == 200
    assert f'value="{activity.title}"' in form.content.decode()
    refused = client.post(url, data)
    saved = client.post(url, {**data, "capacity": "4"})

    assert refused.status_code == 400
    assert "2 people already have a confirmed place" in refused.content.decode()
    assert saved.status_code == 302 and Activity.objects.get(pk=activity.pk).capacity == 4
    assert client_for(eng.world.grid_worker).get(url).status_code == 404

    client.post(reverse("engagement:activity_cancel", args=[activity.pk]), {"reason": "场地维修"})
    page = client.get(reverse("engagement:activity", args=[activity.pk])).content.decode()
    assert "data-cancelled" in page and "场地维修" in page
    calendar = client.get(reverse("engagement:calendar")).content.decode()
    assert f"/engagement/activities/{activity.pk}/" not in calendar


def test_garbage_on_the_edit_and_cancel_pages_never_fails(eng, client_for):
    client = client_for(eng.world.community)
    edit = reverse("engagement:activity_edit", args=[eng.activity.pk])
    for data in [
        {},
        {"capacity": "-5", "starts_at": "soon", "venue": "x"},
        {"title": "x" * 500, "capacity": "9" * 30, "volunteer_capacity": "1e9"},
    ]:
        assert client.post(edit, data).status_code in (200, 400)  # empty: the form again
    cancel = reverse("engagement:activity_cancel", args=[eng.activity.pk])
    assert client.post(cancel, {"reason": "x" * 5000}).status_code == 302
    assert client.post(cancel, {}).status_code == 302  # already cancelled: a message
    assert client.get(reverse("engagement:activity_edit", args=[999999])).status_code == 404


def test_a_resident_taking_activity_notices_by_wechat_gets_them_there(eng, wechat):
    from orgs.models import WeChatNotice
    from orgs.services import user_wechat_bind, user_wechat_notices_set

    user_wechat_bind(user=eng.u1, openid="oU1")
    user_wechat_notices_set(user=eng.u1, kinds=[WeChatNotice.ACTIVITY])
    _signup(eng, eng.world.R1, eng.u1)
    _signup(eng, eng.world.R2, eng.u2)

    assert set(OutboxMessage.objects.values_list("channel", "recipient", "link")) == {
        ("wechat", str(eng.u1.pk), reverse("engagement:activity", args=[eng.activity.pk])),
        ("sms", eng.world.R2.mobile, ""),
    }
