"""The tallies behind the dashboards: kept up to date by every change to a case, they must
give exactly what counting the cases gives, for any scope, slice and period."""

import importlib
import math
from datetime import date

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import Case, Tally
from cases.tallies import (
    MOMENT_EXPRESSIONS,
    TALLIES,
    band_of,
    local_day,
    moment_at,
    tally_rebuild,
)
from catalog.models import Domain
from core.testing import DEMO_TODAY
from insights import selectors
from orgs.models import OrgUnit, PropertyCompany, User

pytestmark = pytest.mark.django_db

tallies_migration = importlib.import_module("insights.migrations.0002_tallies")

TALLY_VALUES = ("grain", "start", "area_path", "company_id", "estate_id", "domain_id")


def _tallies() -> dict:
    columns = [f.name for f in Tally._meta.fields if f.name not in ("id", *TALLY_VALUES)]
    return {
        tuple(row[:6]): row[6:]
        for row in Tally.objects.values_list(*TALLY_VALUES, *columns)
        if any(row[6:])
    }


def test_every_condition_reads_the_same_in_python_and_in_the_database(demo):
    cases = list(Case.objects.all())
    tz = timezone.get_current_timezone()
    for name, rule in TALLIES.items():
        in_database = set(Case.objects.filter(rule.q).values_list("pk", flat=True))
        assert {c.pk for c in cases if rule.holds(c)} == in_database, name
    for moment, expression in MOMENT_EXPRESSIONS.items():
        days = dict(
            Case.objects.annotate(day=TruncDate(expression, tzinfo=tz)).values_list("pk", "day")
        )
        assert {
            c.pk: local_day(moment_at(moment, c)) if moment_at(moment, c) else None for c in cases
        } == days, moment


def test_tallies_kept_through_a_year_of_changes_equal_a_recount(demo):
    kept = _tallies()
    assert sum(v[0] for k, v in kept.items() if k[0] == "d") == Case.objects.count()

    tally_rebuild()

    assert _tallies() == kept


def test_the_migration_counts_an_installations_cases_as_a_recount_does(demo):
    kept = _tallies()
    Tally.objects.all().delete()

    state = MigrationLoader(connection).project_state(("insights", "0002_tallies"))
    # Two columns it reads and writes have been renamed since (cases 0020): its models keep
    # their names of the time, on today's columns.
    for app, model, name, column, field in (
        ("cases", "case", "first_contact_at", "first_response_at", models.DateTimeField(null=True)),
        ("insights", "tally", "dispatched", "received", models.IntegerField(default=0)),
    ):
        field.db_column = column
        migrations.AlterField(model, name, field).state_forwards(app, state)
    tallies_migration.count_existing_cases(state.apps, None)

    assert _tallies() == kept


PERIODS = {
    "this month": selectors.Period.month(2026, 11),
    "30 days": selectors.Period.days(date(2026, 10, 22), date(2026, 11, 20)),
    "12 months": selectors.Period(
        selectors.Period.month(2025, 12).start, selectors.Period.month(2026, 11).end
    ),
    "across months": selectors.Period.days(date(2026, 3, 17), date(2026, 8, 3)),
}


@pytest.mark.parametrize("period", PERIODS.values(), ids=PERIODS.keys())
def test_figures_from_tallies_equal_figures_counted_from_cases(demo, period):
    some_company = PropertyCompany.objects.order_by("pk").first()
    some_grid = OrgUnit.objects.filter(kind="grid").order_by("pk").first()
    some_domain = Domain.objects.order_by("pk").first()
    slices = [{}, {"company": some_company}, {"org_unit": some_grid}, {"domain": some_domain}]
    groups = ("community", "grid", "company", "domain", "estate")
    users = User.objects.filter(memberships__isnull=False).distinct().order_by("username")
    assert users.count() > 5
    seen = 0
    for user in users:
        for narrow in slices:
            tallied = selectors.case_slice(user=user, **narrow)
            counted = selectors.sliced_cases(user=user, **narrow)
            assert tallied.place is not None or not tallied.cases.exists()
            a, a_by = selectors.figures_and_breakdown(cases=tallied, period=period, groups=groups)
            b, b_by = selectors.figures_and_breakdown(cases=counted, period=period, groups=groups)
            assert a == b, (user.username, narrow)
            assert a_by == b_by, (user.username, narrow)
            seen += b.counts["received"]
    assert seen > 0


def test_the_trend_from_tallies_equals_the_trend_counted_from_cases(demo):
    months = selectors.last_months(12, today=DEMO_TODAY.date())
    for username in ("jiedao", "shuji", "wanggeyuan", "wuye_jingli"):
        user = User.objects.get(username=username)
        tallied = selectors.monthly_figures(cases=selectors.case_slice(user=user), months=months)
        counted = selectors.monthly_figures(cases=selectors.sliced_cases(user=user), months=months)
        for (label, a), (_same, b) in zip(tallied, counted, strict=True):
            assert {n: a.counts[n] for n in selectors.TREND} == {
                n: b.counts[n] for n in selectors.TREND
            }, (username, label)
    assert sum(f.counts["received"] for _label, f in tallied) > 0


@pytest.mark.parametrize("period", PERIODS.values(), ids=PERIODS.keys())
def test_the_90th_percentile_is_the_nearest_rank_of_the_handling_times(demo, period):
    bands_used = set()
    for username in ("jiedao", "shuji", "wanggeyuan", "wuye_jingli"):
        user = User.objects.get(username=username)
        fig = selectors.figures(cases=selectors.case_slice(user=user), period=period)
        resolved = selectors.sliced_cases(user=user).filter(period.q("resolved_at"))
        times = sorted(c.resolved_at - c.created_at for c in resolved)
        nearest = times[math.ceil(0.9 * len(times)) - 1] if times else None
        assert fig.p90_hours == (round(nearest.total_seconds() / 3600, 1) if times else None)
        bands_used |= {band_of(t) for t in times}
    assert len(bands_used) > 3
