"""Deliberation keeps its dates in order: a meeting after the proposal, minutes and the
decision after the meeting has begun, actions due from today, done only when done."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Channel
from cases.services import case_accept, case_resolve, case_submit
from catalog.models import Item
from core.errors import ApplicationError
from engagement import services
from engagement.models import FollowUpAction, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(eng):
    return services.topic_propose(
        user=eng.u1, title="增设充电棚", description="飞线充电危险", community=eng.world.C1
    )


def _schedule(eng, topic, starts_at, **kwargs):
    return services.meeting_schedule(
        topic=topic,
        actor=eng.world.secretary,
        starts_at=starts_at,
        venue=eng.venue,
        agenda="议程",
        **kwargs,
    )


def _decided(eng, topic):
    now = timezone.now()
    _schedule(eng, topic, now + timedelta(hours=1))
    later = now + timedelta(hours=3)
    services.meeting_record(
        topic=topic, actor=eng.world.secretary, attendee_mobiles=[], minutes="纪要", now=later
    )
    services.topic_decide(topic=topic, actor=eng.world.secretary, decision="adopted", now=later)
    return later


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(2020, 5, 1, 19, 0, tzinfo=timezone.get_default_timezone()),
        datetime(9999, 12, 31, 19, 0, tzinfo=timezone.get_default_timezone()),
    ],
)
def test_a_meeting_before_the_proposal_or_years_ahead_is_refused(eng, topic, starts_at):
    with pytest.raises(ApplicationError) as refused:
        _schedule(eng, topic, starts_at)

    assert "meeting" in refused.value.message
    assert not Meeting.objects.exists()


def test_minutes_before_the_meeting_has_begun_are_refused(eng, topic):
    _schedule(eng, topic, timezone.now() + timedelta(days=2))

    with pytest.raises(ApplicationError) as refused:
        services.meeting_record(
            topic=topic, actor=eng.world.secretary, attendee_mobiles=[], minutes="纪要"
        )

    assert "has not begun" in refused.value.message
    assert Meeting.objects.get().recorded_at is None


def test_an_action_due_in_the_past_is_refused(eng, topic):
    later = _decided(eng, topic)

    with pytest.raises(ApplicationError) as refused:
        services.action_add(
            topic=topic,
            actor=eng.world.secretary,
            title="选址",
            owner="物业",
            deadline=timezone.localdate(later) - timedelta(days=1),
            now=later,
        )

    assert "deadline" in refused.value.message
    assert not FollowUpAction.objects.exists()


def _action(eng, topic, later, tracking_no=""):
    return services.action_add(
        topic=topic,
        actor=eng.world.secretary,
        title="选址",
        owner="物业",
        deadline=timezone.localdate(later) + timedelta(days=7),
        tracking_no=tracking_no,
        now=later,
    )


def test_an_action_is_done_only_with_what_was_done(eng, topic):
    later = _decided(eng, topic)
    action = _action(eng, topic, later)

    with pytest.raises(ApplicationError) as refused:
        services.action_update(action=action, actor=eng.world.secretary, progress=" ", done=True)

    assert "what was done" in refused.value.message
    assert FollowUpAction.objects.get().done is False


def test_an_action_is_done_only_once_its_case_is_solved(eng, topic, catalogue):
    later = _decided(eng, topic)
    case = case_submit(
        item=Item.objects.get(code="RB09"),
        description="楼道里飞线充电",
        channel=Channel.PHONE,
        created_by=eng.world.community,
        estate=eng.world.E1,
        building=eng.world.B1,
    )
    action = _action(eng, topic, later, tracking_no=case.tracking_no)

    with pytest.raises(ApplicationError) as refused:
        services.action_update(
            action=action, actor=eng.world.secretary, progress="已安装", done=True
        )
    case_accept(case=case, actor=eng.world.manager)
    case_resolve(case=case, actor=eng.world.manager, note="已拆除飞线")
    done = services.action_update(
        action=action, actor=eng.world.secretary, progress="已安装", done=True
    )

    assert case.tracking_no in refused.value.message
    assert done.done is True


def test_the_topic_page_flags_an_action_past_its_deadline(eng, topic, client_for):
    later = _decided(eng, topic)
    action = _action(eng, topic, later)
    FollowUpAction.objects.filter(pk=action.pk).update(
        deadline=timezone.localdate() - timedelta(days=2)
    )

    html = client_for(eng.world.secretary).get(f"/engagement/deliberation/{topic.pk}/").content

    row = html.decode().split(f'data-action="{action.pk}"')[1].split("</strong>")[1]
    assert "data-overdue" in row and "已超期" in row
