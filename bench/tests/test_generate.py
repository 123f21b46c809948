"""Generated benchmark data must look to the product exactly like data the services wrote."""

from collections import Counter
from datetime import time, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from bench.generate import Generator
from cases import services, worker
from cases.models import OPEN_STATUSES, Action, Case, CaseEvent, Channel, Participant
from catalog.models import WORKING_UNITS, Item
from catalog.selectors import is_workday, sla_deadlines
from core.testing import T0
from insights.metrics import Period
from insights.selectors import (
    Slice,
    figures,
    figures_and_breakdown,
    last_months,
    monthly_figures,
)


@pytest.fixture
def generated(world, catalogue):
    Generator(count=400, open_cases=60, overdue=15, now=T0, months=6).run()
    return world


def test_every_timeline_chains_from_submission_to_the_case_status(generated):
    events = {}
    for e in CaseEvent.objects.order_by("case_id", "at", "id"):
        events.setdefault(e.case_id, []).append(e)
    for case in Case.objects.all():
        timeline = events[case.pk]
        assert timeline[0].action == Action.SUBMIT and timeline[0].at == case.created_at
        assert [e.at for e in timeline] == sorted(e.at for e in timeline)
        for before, after in zip(timeline, timeline[1:], strict=False):
            assert after.from_status == before.to_status
        assert timeline[-1].to_status == case.status
        assert case.version == len(timeline)
        if case.accepted_at:
            assert case.created_at <= case.accepted_at
        if case.resolved_at:
            assert case.accepted_at <= case.resolved_at
        if case.rating:
            rate = next(e for e in timeline if e.action == Action.RATE)
            assert rate.data["rating"] == case.rating and rate.at == case.rated_at


def test_clocks_are_the_catalogue_clocks(generated):
    for case in Case.objects.select_related("sla")[:150]:
        deadlines = sla_deadlines(policy=case.sla, start=case.created_at)
        assert case.resolution_due == deadlines.resolution.at
        assert case.response_due == (deadlines.response.at if deadlines.response else None)


def test_working_time_clocks_end_in_beijing_office_hours(generated):
    """The generator's times are UTC, as timezone.now() is: its deadlines still count local
    office hours and days."""
    ends = []
    for case in Case.objects.filter(sla__resolution_unit__in=WORKING_UNITS).select_related("sla"):
        ends.append(timezone.localtime(case.resolution_due))
        if case.sla.response_unit in WORKING_UNITS:
            ends.append(timezone.localtime(case.response_due))
    assert len(ends) > 100
    for end in ends:
        in_office = time(8, 30) < end.time() <= time(12) or time(13, 30) < end.time() <= time(
            17, 30
        )
        assert in_office and is_workday(end.date()), end


def test_each_case_has_dual_receipt_with_one_lead(generated):
    roles = Counter()
    for p in Participant.objects.all():
        roles[p.case_id, p.role] += 1
    for case in Case.objects.all():
        assert roles[case.pk, Participant.Role.LEAD] == 1
        sides = Participant.objects.filter(case=case)
        assert sides.filter(org_unit__path=case.area_path).exists()
        if case.company_id:
            assert sides.filter(company_id=case.company_id).exists()


def test_open_and_overdue_counts_and_the_worker_moves_exactly_the_overdue(generated):
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    assert open_cases.count() == 60
    assert open_cases.filter(next_escalation_at__lte=T0).count() == 15
    assert worker.escalate_due(now=T0) == 15
    assert worker.escalate_due(now=T0) == 0


def test_real_intake_and_dashboards_carry_on_after_the_bulk_load(generated):
    w = generated
    last_no = Case.objects.order_by("-id").first()
    item = Item.objects.filter(kind=Item.Kind.APPEAL, is_active=True).first()
    case = services.case_submit(
        item=item,
        description="楼道灯坏了",
        channel=Channel.PHONE,
        created_by=w.community,
        resident=w.R1,
        estate=w.E1,
        building=w.B1,
        now=T0,
    )
    assert case.pk > last_no.pk
    assert Case.objects.filter(tracking_no=case.tracking_no).count() == 1
    period = Period(start=T0 - timedelta(days=200), end=T0 + timedelta(minutes=1))
    result = figures(cases=Case.objects.all(), period=period)
    assert result.counts["received"] == Case.objects.filter(created_at__lt=period.end).count()
    # Closed, rated history: the three rates are real figures, not empty.
    assert 50 < result.satisfaction_rate <= 100
    assert 50 < result.response_rate <= 100


def test_the_tallies_of_the_bulk_load_equal_counting_the_cases(generated):
    worker.escalate_due(now=T0)  # and they follow the worker's changes from there
    tallied = Slice(Case.objects.all(), place=Q())
    groups = ("grid", "company", "estate", "domain")
    months = last_months(7, today=T0.date())
    for _label, period in months:
        from_tallies = figures_and_breakdown(cases=tallied, period=period, groups=groups)
        counted = figures_and_breakdown(cases=Case.objects.all(), period=period, groups=groups)
        assert from_tallies == counted
    assert sum(f.counts["received"] for _l, f in monthly_figures(cases=tallied, months=months))
