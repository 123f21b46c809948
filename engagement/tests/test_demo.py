"""The demo engagement: built through the services, once, in 方城路社区."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.demo import seed_cases
from cases.models import Case
from core.testing import demo_community
from engagement.demo import AFTER_SCHOOL, TOPIC_TITLE, seed_engagement
from engagement.models import Activity, Signup, Topic, Venue, Visit, VolunteerProfile
from engagement.selectors import Figures, Period, engagement_figures, party_roster, topic_trace
from orgs.models import User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


@pytest.fixture(scope="module")
def demo(demo_community_rows, django_db_blocker):
    with demo_community(django_db_blocker, demo_community_rows):
        yield seed_engagement(now=NOW)


def test_demo_engagement_venues_and_upcoming_activities(demo):
    upcoming = Activity.objects.filter(starts_at__gt=NOW).order_by("starts_at")

    assert sorted(Venue.objects.values_list("name", flat=True)) == [
        "先锋驿站",
        "幸福驿站",
        "赋能港湾",
    ]
    assert set(Venue.objects.values_list("community__name", flat=True)) == {"方城路社区"}
    assert upcoming.count() == 8
    sessions = [a for a in upcoming if a.title == AFTER_SCHOOL]
    assert [timezone.localtime(a.starts_at).strftime("%a %H:%M") for a in sessions] == [
        "Thu 16:30",
        "Fri 16:30",
        "Mon 16:30",
    ]
    assert {"文艺送演进社区", "健康义诊", "亲子武术", "城市书坊·阅伴童年", "心理健康讲座"} <= {
        a.title for a in upcoming
    }


def test_demo_engagement_counters_match_the_sign_ups(demo):
    for activity in Activity.objects.all():
        confirmed = activity.signups.filter(status="confirmed")
        assert activity.taken == confirmed.filter(as_volunteer=False).count()
        assert activity.volunteers_taken == confirmed.filter(as_volunteer=True).count()
    martial = Activity.objects.get(title="亲子武术")
    assert (martial.taken, martial.signups.filter(status="waitlisted").count()) == (12, 2)


def test_demo_engagement_topic_is_traceable_to_its_actions(demo):
    topic = Topic.objects.get(title=TOPIC_TITLE)
    trace = topic_trace(user=User.objects.get(username="shuji"), topic=topic)

    assert (topic.status, topic.decision, topic.support_count) == ("decided", "adopted", 15)
    assert trace.attendee_count == 12
    assert [a.done for a in trace.actions] == [True, False]


def test_demo_engagement_figures_party_members_and_visits(demo):
    figures = engagement_figures(
        user=User.objects.get(username="shequ"), period=Period.month(2026, 11), now=NOW
    )

    assert figures == Figures(
        activities_held=1,  # yesterday's after-school class
        participants=8,
        volunteer_hours=Decimal("3.9"),  # 87 + 86 measured minutes and 60 approved
        visits=3,
        topics=1,
        actions_completed=1,
    )
    assert len(party_roster()) == VolunteerProfile.objects.count() == 5
    assert Signup.objects.filter(checked_in_at__isnull=False).count() == 10


def test_demo_engagement_runs_once_and_files_its_case_after_the_case_history(demo):
    assert demo > 100
    assert Case.objects.count() == 0  # the first case is left to seed_cases

    assert seed_cases(count=20, today=NOW) > 0
    assert seed_engagement(now=NOW) == 0

    visit = Visit.objects.get(case__isnull=False)
    assert (visit.case.channel, visit.case.household) == ("door_knock", visit.household)
    assert Activity.objects.filter(starts_at__gt=NOW).count() == 8
