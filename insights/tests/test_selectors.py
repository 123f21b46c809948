"""Figures computed by hand on a small crafted history, compared exactly."""

import pytest

from cases import services
from insights import selectors
from insights.selectors import (
    TREND,
    Period,
    cases_for_metric,
    figures,
    figures_and_breakdown,
    figures_by,
    figures_by_each,
    monthly_figures,
)
from insights.tests.conftest import at

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


@pytest.fixture(params=["cases", "tallies"])
def sliced_cases(request):
    """Every figure is checked twice: counted from the cases, and read from the tallies."""
    return selectors.sliced_cases if request.param == "cases" else selectors.case_slice


def test_figures_for_a_month_match_the_hand_count(sliced_cases, history, world):
    fig = figures(cases=sliced_cases(user=world.secretary), period=NOVEMBER)

    assert fig.counts == {
        "received": 5,
        "responded": 2,
        "followed_up": 2,
        "solved": 2,
        "rated": 2,
        "satisfied": 1,
        "resolved": 3,
        "on_time": 2,
        "returned": 1,
        "reopened": 1,
        "escalated": 1,
        "supervised": 0,
        "doorstep": 0,
    }
    assert (fig.response_rate, fig.resolution_rate, fig.satisfaction_rate) == (40.0, 100.0, 50.0)
    assert fig.composite == 64.5
    assert fig.on_time_rate == 66.7
    # Handling hours of A (34 h), B (72 h) and D (192 h).
    assert (fig.average_hours, fig.p90_hours) == (99.3, 192.0)


def test_figures_attribute_each_fact_to_its_own_month(sliced_cases, history, world):
    october = figures(cases=sliced_cases(user=world.secretary), period=Period.month(2026, 10))
    december = figures(cases=sliced_cases(user=world.secretary), period=Period.month(2026, 12))

    assert (october.counts["received"], october.counts["resolved"]) == (1, 0)
    assert october.response_rate == 0.0  # A was accepted after its response clock
    assert december.counts["received"] == 0 and december.response_rate is None


def test_figures_follow_the_scope(sliced_cases, history, world):
    assert (
        figures(cases=sliced_cases(user=world.other_manager), period=NOVEMBER).counts["received"]
        == 0
    )
    assert figures(cases=sliced_cases(user=world.manager), period=NOVEMBER).counts["received"] == 5


def test_figures_by_company_and_community(sliced_cases, history, world):
    by_company = figures_by(cases=sliced_cases(user=world.admin), period=NOVEMBER, group="company")
    by_community = figures_by(
        cases=sliced_cases(user=world.admin), period=NOVEMBER, group="community"
    )

    assert list(by_company) == [world.P1.pk]
    assert by_company[world.P1.pk].response_rate == 40.0
    assert list(by_community) == [world.C1.path]


def test_click_through_lists_exactly_the_cases_counted(history, world):
    cases = selectors.sliced_cases(user=world.secretary)

    responded = set(cases_for_metric(cases=cases, metric="responded", period=NOVEMBER))
    resolved = set(cases_for_metric(cases=cases, metric="resolved", period=NOVEMBER))

    assert responded == {history["b"], history["e"]}
    assert resolved == {history["a"], history["b"], history["d"]}


def test_basically_satisfied_counts_unless_configured_otherwise(
    sliced_cases, history, world, settings
):
    e = history["e"]
    services.case_resolve(case=e, actor=world.manager, note="ok", now=at(12, 2))
    services.case_rate(case=e, user=world.resident_user, rating="basic", now=at(12, 3))
    december = Period.month(2026, 12)

    assert (
        figures(cases=sliced_cases(user=world.secretary), period=december).satisfaction_rate
        == 100.0
    )
    settings.INSIGHTS_SATISFIED_INCLUDES_BASIC = False
    assert (
        figures(cases=sliced_cases(user=world.secretary), period=december).satisfaction_rate == 0.0
    )


def test_weights_are_settings(sliced_cases, history, world, settings):
    settings.INSIGHTS_WEIGHTS = (1, 1, 1)

    fig = figures(cases=sliced_cases(user=world.secretary), period=NOVEMBER)

    assert fig.composite == round((40 + 100 + 50) / 3, 1)


def test_empty_period_has_no_rates(sliced_cases, world, catalogue):
    fig = figures(cases=sliced_cases(user=world.admin), period=Period(at(1, 1), at(2, 1)))

    assert fig.response_rate is None and fig.composite is None and fig.p90_hours is None


def test_the_monthly_trend_counts_what_each_month_counts_on_its_own(sliced_cases, history, world):
    cases = sliced_cases(user=world.secretary)
    months = [(f"2026-{m:02d}", Period.month(2026, m)) for m in (9, 10, 11, 12)]
    trend = monthly_figures(cases=cases, months=months)
    assert [label for label, _f in trend] == [label for label, _p in months]
    for (_label, period), (_same, monthly) in zip(months, trend, strict=True):
        alone = figures(cases=cases, period=period)
        assert {name: monthly.counts[name] for name in TREND} == {
            name: alone.counts[name] for name in TREND
        }
    assert sum(f.counts["received"] for _l, f in trend) > 0


def test_several_groupings_in_one_pass_match_each_grouping_alone(sliced_cases, history, world):
    cases = sliced_cases(user=world.admin)
    groups = ("company", "grid", "domain", "estate")
    together = figures_by_each(cases=cases, period=NOVEMBER, groups=groups)
    for group in groups:
        alone = figures_by(cases=cases, period=NOVEMBER, group=group)
        assert {k: f.counts for k, f in together[group].items()} == {
            k: f.counts for k, f in alone.items()
        }
        assert alone
    total, _by = figures_and_breakdown(cases=cases, period=NOVEMBER, groups=groups)
    assert total == figures(cases=cases, period=NOVEMBER)
