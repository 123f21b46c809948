from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.testing import T0, make_user
from engagement import services
from engagement.selectors import (
    Figures,
    Period,
    activities_for_staff,
    engagement_figures,
    topics_for,
    venues_for,
    visits_for,
)
from engagement.tests.factories import make_activity
from orgs.roles import Role

pytestmark = pytest.mark.django_db

START = T0 + timedelta(days=1)  # eng.activity starts here (2026-11-26 09:00)


def _held_month(eng):
    """In November: one session with two check-ins, a volunteer, a visit, a topic, an action."""
    w = eng.world
    staff = w.secretary
    activity = make_activity(eng.venue, capacity=5, volunteer_capacity=1, title="健康义诊")
    signups = [
        services.signup_create(activity=activity, resident=r, user=u, now=T0)
        for r, u in [(w.R2, eng.u2), (eng.child, eng.u1), (eng.neighbour, eng.u_neighbour)]
    ]
    helper = services.signup_create(
        activity=activity, resident=w.R1, user=eng.u1, as_volunteer=True, now=T0
    )
    for signup in signups[:2] + [helper]:
        services.signup_check_in(signup=signup, actor=staff, now=START)
    services.signup_check_out(signup=helper, actor=staff, now=START + timedelta(minutes=90))
    services.hours_report(signup=helper, user=eng.u1, hours=Decimal(1), now=START)
    services.hours_review(signup=helper, actor=staff, approve=True, now=START)
    services.visit_log(
        actor=w.grid_worker,
        household=w.H1,
        visited_at=T0,
        visitors="赵志强",
        heard="一切都好",
        now=T0,
    )
    topic = services.topic_propose(
        user=eng.u1, title="充电棚", description="…", community=w.C1, now=T0
    )
    services.meeting_schedule(topic=topic, actor=staff, starts_at=T0, venue=eng.venue, agenda="…")
    services.meeting_record(topic=topic, actor=staff, attendee_mobiles=[], minutes="…", now=T0)
    services.topic_decide(topic=topic, actor=staff, decision="adopted", now=T0)
    action = services.action_add(
        topic=topic, actor=staff, title="选址", owner="物业", deadline=date(2026, 12, 1), now=T0
    )
    services.action_update(action=action, actor=staff, progress="已选址", done=True, now=T0)


def test_engagement_figures_count_the_month_in_scope(eng):
    _held_month(eng)

    figures = engagement_figures(
        user=eng.world.secretary, period=Period.month(2026, 11), now=T0 + timedelta(days=3)
    )

    assert figures == Figures(
        activities_held=2,  # eng.activity (nobody came) and 健康义诊
        participants=2,
        volunteer_hours=Decimal("2.5"),
        visits=1,
        topics=1,
        actions_completed=1,
    )


def test_engagement_figures_leave_out_sessions_not_yet_held_and_other_months(eng):
    _held_month(eng)

    before = engagement_figures(user=eng.world.secretary, period=Period.month(2026, 11), now=T0)
    december = engagement_figures(
        user=eng.world.secretary, period=Period.month(2026, 12), now=T0 + timedelta(days=40)
    )

    assert (before.activities_held, before.participants, before.volunteer_hours) == (
        0,
        0,
        Decimal("0.0"),
    )
    assert december == Figures(0, 0, Decimal("0.0"), 0, 0, 0)


def test_engagement_figures_of_another_community_are_zero(eng):
    _held_month(eng)
    other = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)

    figures = engagement_figures(
        user=other, period=Period.month(2026, 11), now=T0 + timedelta(days=3)
    )

    assert figures == Figures(0, 0, Decimal("0.0"), 0, 0, 0)


def test_engagement_figures_subdistrict_sees_all_communities(eng):
    _held_month(eng)
    make_activity(eng.other_venue, title="武定路书法班", starts_at=START)

    figures = engagement_figures(
        user=eng.world.subdistrict, period=Period.month(2026, 11), now=T0 + timedelta(days=3)
    )

    assert (figures.activities_held, figures.visits) == (3, 0)  # visits need HANDLE_CASES


def test_period_month_covers_whole_days():
    period = Period.month(2026, 12)

    assert (period.first_day, period.last_day) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period.end.isoformat() == "2027-01-01T00:00:00+08:00"


def test_staff_lists_are_scoped_to_their_communities(eng):
    other = make_activity(eng.other_venue, title="武定路书法班")
    c2_staff = make_user("shequ2", role=Role.COMMUNITY_STAFF, org_unit=eng.world.C2)

    assert list(activities_for_staff(user=eng.world.community, now=T0)) == [eng.activity]
    assert list(activities_for_staff(user=c2_staff, now=T0)) == [other]
    assert list(activities_for_staff(user=eng.world.manager, now=T0)) == []
    assert list(venues_for(user=c2_staff)) == [eng.other_venue]
    assert list(venues_for(user=eng.u1)) == []


def test_topics_for_residents_are_those_of_their_community(eng):
    topic = services.topic_propose(
        user=eng.u1, title="充电棚", description="…", community=eng.world.C1, now=T0
    )

    assert list(topics_for(user=eng.u2)) == [topic]  # R2 lives in C1 too
    assert list(topics_for(user=eng.u3)) == []  # R3 lives in C2
    assert list(topics_for(user=eng.world.community)) == [topic]
    assert list(topics_for(user=eng.world.nobody)) == []


def test_visits_are_scoped_to_households(eng):
    visit = services.visit_log(
        actor=eng.world.grid_worker,
        household=eng.world.H1,
        visited_at=T0,
        visitors="赵志强",
        heard="…",
        now=T0,
    )

    assert list(visits_for(user=eng.world.manager)) == [visit]  # P1 manages estate E1
    assert list(visits_for(user=eng.world.other_manager)) == []
    assert list(visits_for(user=eng.u1)) == []
