"""Retention over the demo's year of history: no figure changes when its closed cases lose
their personal data. A module of its own: the demo community, kept for the whole module, has
the personas' user names too."""

from datetime import timedelta

import pytest

from cases import worker
from cases.models import Case
from core.testing import DEMO_TODAY

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Every figure is the same before and after


def _every_figure():
    """Each demo staff user's figures, breakdowns, trend and percentile for three periods,
    from the tallies and counted from the cases."""
    from insights import selectors
    from orgs.models import User

    periods = {
        "november": selectors.Period.month(2026, 11),
        "12 months": selectors.Period(
            selectors.Period.month(2025, 12).start, selectors.Period.month(2026, 11).end
        ),
        "a spring": selectors.Period.days(
            DEMO_TODAY.date() - timedelta(days=250), DEMO_TODAY.date() - timedelta(days=150)
        ),
    }
    groups = ("community", "grid", "company", "domain", "estate", "item")
    months = selectors.last_months(12, today=DEMO_TODAY.date())
    found = {}
    users = User.objects.filter(memberships__isnull=False).distinct().order_by("username")
    for user in users:
        for how, cases in (
            ("tallied", selectors.case_slice(user=user)),
            ("counted", selectors.sliced_cases(user=user)),
        ):
            for name, period in periods.items():
                found[user.username, how, name] = selectors.figures_and_breakdown(
                    cases=cases, period=period, groups=groups
                )
            found[user.username, how, "trend"] = selectors.monthly_figures(
                cases=cases, months=months
            )
    return found


def _tallies() -> dict:
    """The tally rows that count something, by what they count for."""
    from cases.models import Tally

    keys = ("grain", "start", "area_path", "company_id", "estate_id", "domain_id")
    columns = [f.name for f in Tally._meta.fields if f.name not in ("id", *keys)]
    return {row[:6]: row[6:] for row in Tally.objects.values_list(*keys, *columns) if any(row[6:])}


def test_no_figure_changes_when_the_demo_history_is_anonymised(demo):
    from cases.tallies import tally_rebuild

    before, tallies = _every_figure(), _tallies()
    later = DEMO_TODAY + timedelta(days=3 * 365 + 1)
    closed = Case.objects.filter(status__in=["closed", "merged"]).count()

    anonymised = worker.anonymise_due(now=later)

    assert anonymised == closed > 200
    assert not Case.objects.filter(anonymised_at__isnull=False).exclude(contact_mobile="").exists()
    assert not Case.objects.filter(anonymised_at__isnull=False, resident__isnull=False).exists()
    assert _every_figure() == before
    assert _tallies() == tallies
    tally_rebuild()
    assert _tallies() == tallies


def test_halfway_through_the_period_only_the_cases_closed_long_enough_go(demo):
    cutoff = DEMO_TODAY - timedelta(days=180)
    due = Case.objects.filter(status__in=["closed", "merged"], closed_at__lte=cutoff).count()

    anonymised = worker.anonymise_due(now=cutoff + timedelta(days=3 * 365))

    assert anonymised == due > 0
    assert Case.objects.filter(closed_at__gt=cutoff, anonymised_at__isnull=False).count() == 0
