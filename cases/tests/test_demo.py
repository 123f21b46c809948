"""The demo history: a plausible year of cases, every step through the services."""

from collections import Counter, defaultdict
from datetime import time, timedelta

import pytest
from django.utils import timezone

from cases.demo import seed_cases
from cases.models import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Channel,
    Notification,
    OutboxMessage,
    Rating,
    Status,
)
from cases.selectors import cases_in_scope
from catalog.models import WORKING_UNITS, Priority
from catalog.selectors import is_workday
from core.testing import DEMO_CASES as COUNT
from core.testing import DEMO_TODAY as TODAY
from orgs.models import User

pytestmark = pytest.mark.django_db


def test_demo_creates_the_requested_cases_once(demo):
    assert demo == COUNT
    assert Case.objects.count() == COUNT
    assert seed_cases(count=COUNT, today=TODAY) == 0
    assert Case.objects.count() == COUNT


def test_demo_every_timeline_is_complete_and_in_order(demo):
    events = defaultdict(list)
    for case_id, action, at in CaseEvent.objects.order_by("id").values_list(
        "case_id", "action", "at"
    ):
        events[case_id].append((action, at))
    for case in Case.objects.only("id", "version", "created_at"):
        timeline = events[case.pk]
        assert len(timeline) == case.version, case  # each change left an event
        assert timeline[0] == (Action.SUBMIT, case.created_at)
        times = [at for _action, at in timeline]
        assert times == sorted(times), case
        assert TODAY - timedelta(days=366) < times[0] and times[-1] <= TODAY


def test_demo_ratings_are_mostly_satisfied(demo):
    ratings = Counter(Case.objects.exclude(rating="").values_list("rating", flat=True))
    rated = sum(ratings.values())
    answered = Case.objects.filter(resolved_at__isnull=False).count()
    assert 0.6 <= rated / answered <= 0.9
    good = ratings[Rating.SATISFIED] + ratings[Rating.BASIC]
    assert 0.80 <= good / rated <= 0.97
    assert ratings[Rating.SATISFIED] > ratings[Rating.BASIC] > 0
    assert Case.objects.filter(auto_closed=True).exists()
    assert Case.objects.filter(reopen_count__gt=0).exists()


def test_demo_recent_weeks_show_every_open_state(demo):
    open_statuses = set(
        Case.objects.filter(status__in=OPEN_STATUSES).values_list("status", flat=True)
    )
    assert len(open_statuses) >= 5
    assert Case.objects.filter(status=Status.RESOLVED, rating="").exists()  # awaiting a rating
    assert Case.objects.filter(status__in=OPEN_STATUSES, resolution_due__lt=TODAY).exists()
    assert CaseEvent.objects.filter(action=Action.ESCALATE).exists()
    levels = set(Case.objects.filter(escalation_count__gt=0).values_list("level", flat=True))
    assert {2, 3} <= levels  # reached the community and the subdistrict


def test_demo_cases_on_working_time_escalate_only_in_office_hours(demo):
    escalations = CaseEvent.objects.filter(
        action=Action.ESCALATE, case__sla__response_unit__in=WORKING_UNITS
    )
    assert escalations.count() > 5
    for at in escalations.values_list("at", flat=True):
        local = timezone.localtime(at)
        assert is_workday(local.date()) and time(8, 30) <= local.time() <= time(17, 31), local


def test_demo_staff_act_only_within_their_scope(demo):
    staff = User.objects.filter(memberships__is_active=True).distinct()
    visible = {
        user.pk: set(cases_in_scope(user=user).values_list("id", flat=True)) for user in staff
    }
    acted = CaseEvent.objects.filter(actor__in=staff).values_list("actor_id", "case_id")
    assert acted
    for actor_id, case_id in acted:
        assert case_id in visible[actor_id]


def test_demo_intake_is_plausible(demo):
    cases = list(Case.objects.select_related("resident", "household", "estate__community"))
    for case in cases:  # e.g. FC20261126-0007 for 方城路社区
        assert case.tracking_no.startswith(case.estate.community.abbr + "20"), case
    assert {c.tracking_no[:2] for c in cases} >= {"FC", "WD"}
    channels = Counter(c.channel for c in cases)
    assert channels[Channel.WEB] > len(cases) / 2
    assert channels[Channel.PHONE] and channels[Channel.WALK_IN]
    for case in cases:
        assert case.resident is not None
        if case.channel == Channel.WEB:
            assert case.created_by_id == case.resident.user_id
        else:
            assert case.created_by.memberships.exists()
        if case.household_id:  # residents report for their own home
            assert case.household.ties.filter(resident=case.resident).exists()
    services = [c for c in cases if c.kind == Case.Kind.SERVICE_REQUEST]
    assert 0.05 * len(cases) <= len(services) <= 0.3 * len(cases)
    for case in services:
        assert case.household_id and case.preferred_time and case.doorstep
        assert case.priority != Priority.EMERGENCY
    estates = Counter(c.estate.name for c in cases)
    assert estates["方城路小区"] + estates["华城苑"] > 0.85 * len(cases)
    heating = [c.created_at.month for c in cases if c.item.code == "RB21"]
    assert all(month in (11, 12, 1, 2, 3, 4) for month in heating)
    assert Case.objects.filter(priority=Priority.EMERGENCY).exists()
    assert len({c.description for c in cases}) > 0.8 * len(cases)


def test_demo_history_is_delivered_and_read(demo):
    old = TODAY - timedelta(days=1)
    assert OutboxMessage.objects.filter(created_at__lt=TODAY - timedelta(days=7)).exists()
    assert not OutboxMessage.objects.filter(state="pending", created_at__lt=old).exists()
    assert OutboxMessage.objects.filter(state="pending").exists()  # the last day is still due
    week = TODAY - timedelta(days=7)
    assert not Notification.objects.filter(read_at__isnull=True, created_at__lt=week).exists()
