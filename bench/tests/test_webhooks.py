from datetime import timedelta

import pytest
from django.utils import timezone

from bench.webhooks import webhook_delivery
from cases import services
from connect.models import WebhookSubscription

pytestmark = pytest.mark.django_db


def test_the_webhook_figure_delivers_every_event_signed_and_in_order(world, report):
    # Handled in the past: a message is due from its event's time, and the figure is taken now.
    t0 = timezone.now() - timedelta(minutes=10)
    for n in range(3):
        case = report(now=t0 + timedelta(seconds=n))
        services.case_accept(case=case, actor=world.manager, now=t0 + timedelta(minutes=1))
        services.case_resolve(
            case=case, actor=world.manager, note="已处理", now=t0 + timedelta(minutes=2)
        )

    figure = webhook_delivery(events=8)

    assert {k: figure[k] for k in ("events", "cases", "bad_signatures")} == {
        "events": 8,
        "cases": 3,
        "bad_signatures": 0,
    }
    assert figure["each_case_in_order"] is True
    assert figure["all_delivered"] is True
    assert figure["events_per_second"] > 0
    assert not WebhookSubscription.objects.exists()
