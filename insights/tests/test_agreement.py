"""Every figure that names a scope, a place, an item and a period counts the cases the inbox
lists when filtered the same way (on the demo year)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.selectors import InboxFilters, inbox
from core.testing import DEMO_TODAY
from insights import reports, selectors
from orgs.models import User

pytestmark = pytest.mark.django_db

USERS = ["jiedao", "shequ", "wanggeyuan", "wuye_jingli"]
PERIODS = {
    "november": selectors.Period.month(2026, 11),
    "30 days": selectors.Period.days(DEMO_TODAY.date() - timedelta(days=29), DEMO_TODAY.date()),
}


def _listed(user, period, **filters) -> int:
    """The inbox's all-cases tab, filtered by place and item and by the period's days."""
    last_day = timezone.localdate(period.end - timedelta(microseconds=1))
    since = timezone.localdate(period.start)
    return inbox(
        user=user, filters=InboxFilters(tab="all", since=since, until=last_day, **filters)
    ).count()


@pytest.mark.parametrize("username", ["jiedao", "shequ", "wuye_jingli"])  # a grid has too few
@pytest.mark.parametrize("period_name", PERIODS)
def test_hotspot_rows_count_what_the_inbox_lists(demo, username, period_name):
    user, period = User.objects.get(username=username), PERIODS[period_name]

    rows = reports.hotspot_rows(cases=selectors.case_slice(user=user).cases, period=period)

    assert rows
    for row in rows:
        listed = _listed(user, period, estate_id=row["estate"].pk, item_id=row["item"].pk)
        assert (row["count"], sum(n for _building, n in row["buildings"])) == (listed, listed)


@pytest.mark.parametrize("username", USERS)
def test_dashboard_breakdowns_count_what_the_inbox_lists(demo, username):
    user, period = User.objects.get(username=username), PERIODS["november"]
    cases = selectors.case_slice(user=user)

    by = selectors.figures_by_each(cases=cases, period=period, groups=("estate", "item"))

    assert by["estate"] and by["item"]
    for estate_id, figures in by["estate"].items():
        assert figures.counts["received"] == _listed(user, period, estate_id=estate_id)
    for item_id, figures in by["item"].items():
        assert figures.counts["received"] == _listed(user, period, item_id=item_id)
    total = selectors.figures(cases=cases, period=period).counts["received"]
    assert total == _listed(user, period)


def test_monthly_report_lists_each_unit_once_and_its_grids_add_up(demo):
    user = User.objects.get(username="shequ")

    report = reports.monthly_report(user=user, year=2026, month=11)

    names = [str(unit) for unit, _figures in report.by_unit]
    assert len(names) == len(set(names)), names
    (community, total), *parts = report.by_unit
    assert str(community) == "方城路社区"
    assert sum(f.counts["received"] for _unit, f in parts) == total.counts["received"]
    assert "方城路社区（社区本级）" in names
