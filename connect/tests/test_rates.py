"""The hotline's follow-up calls count in the three rates exactly as reference/governance.md
§3 says (solved ÷ followed up, satisfied + basically satisfied ÷ rated), and the dashboard
shows them for hotline orders alone, as the hotline grades the community."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Tally
from cases.tallies import tally_rebuild
from core.periods import Period
from insights import selectors

pytestmark = pytest.mark.django_db


def _follow_up(system, case, rating, solved, answer_id):
    payload = {
        "answer_id": answer_id,
        "order_number": case.external_order.number,
        "rating": rating,
        "solved": solved,
        "new_due": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    response = Client().post(
        "/api/v1/connect/answers/follow-up",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {system.key}",
    )
    assert response.status_code == 200, response.content


def _figure(html, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', html).group(1)


@pytest.fixture
def followed_up(world, system, hotline_order, report):
    """Three hotline orders resolved and followed up by the hotline, and a resident's own web
    report they rated satisfied."""
    verdicts = [("satisfied", True), ("basic", True), ("dissatisfied", False)]
    for n, (rating, solved) in enumerate(verdicts):
        case = hotline_order(f"12345-{n}")
        services.case_accept(case=case, actor=world.manager)
        services.case_resolve(case=case, actor=world.manager, note="已处理")
        _follow_up(system, case, rating, solved, f"F-{n}")
    own = report()
    services.case_accept(case=own, actor=world.manager)
    services.case_resolve(case=own, actor=world.manager, note="已处理")
    services.case_rate(case=own, user=world.resident_user, rating="satisfied")


def _counts(figures):
    return {k: figures.counts[k] for k in ("followed_up", "solved", "rated", "satisfied")}


def test_follow_ups_count_in_the_rates_from_the_tallies_as_from_the_cases(world, followed_up):
    today = timezone.localdate()
    period = Period.days(today, today)
    everything = selectors.case_slice(user=world.community)

    from_tallies = selectors.figures(cases=everything, period=period)
    from_cases = selectors.figures(cases=everything.cases, period=period)
    hotline_only = selectors.figures(
        cases=selectors.case_slice(user=world.community, channel="hotline"), period=period
    )

    # The resident's own rating counts as solved too (no call), as the definitions say.
    assert (
        _counts(from_tallies)
        == _counts(from_cases)
        == {
            "followed_up": 4,
            "solved": 3,
            "rated": 4,
            "satisfied": 3,
        }
    )
    assert _counts(hotline_only) == {"followed_up": 3, "solved": 2, "rated": 3, "satisfied": 2}
    assert (hotline_only.resolution_rate, hotline_only.satisfaction_rate) == (66.7, 66.7)
    kept = sorted(Tally.objects.values_list(*[f.attname for f in Tally._meta.fields][1:]))
    tally_rebuild()
    assert sorted(Tally.objects.values_list(*[f.attname for f in Tally._meta.fields][1:])) == kept


def test_the_dashboard_shows_the_rates_of_hotline_orders_alone(world, followed_up, client_for):
    client = client_for(world.community)

    all_channels = client.get(reverse("insights:dashboard")).content.decode()
    hotline_only = client.get(
        reverse("insights:dashboard"), {"channel": "hotline"}
    ).content.decode()

    assert (
        _figure(all_channels, "resolution_rate"),
        _figure(all_channels, "satisfaction_rate"),
    ) == (
        "75.0%",
        "75.0%",
    )
    assert (
        _figure(hotline_only, "resolution_rate"),
        _figure(hotline_only, "satisfaction_rate"),
    ) == (
        "66.7%",
        "66.7%",
    )
    assert _figure(hotline_only, "received") == "3"
