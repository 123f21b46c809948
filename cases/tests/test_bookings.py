"""A booking asks for a time the service is open, within the booking horizon, and is
promised for no earlier than the time asked for, which the resident sees."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case

pytestmark = pytest.mark.django_db


def _book(client, world, when, code="CV001"):  # CV001 上门疏通下水道: 每日 8:00-20:00
    return client.post(
        reverse("cases:book", args=[code]),
        {
            "household": world.H1.pk,
            "preferred_time": when,
            "description": "",
            "idempotency_key": "b",
        },
    )


def _day(days: int) -> str:
    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("9999-12-31T10:00", "60 天之内"),
        (f"{_day(2)}T03:00", "08:00–20:00"),
        ("2020-01-01T10:00", "将来的时间"),
    ],
)
def test_a_booking_outside_the_service_hours_or_horizon_is_refused(
    world,
    resident_client,
    when,
    says,
):
    response = _book(resident_client, world, when)

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Case.objects.exists()


def test_a_booking_is_promised_no_earlier_than_the_time_asked_for(world, resident_client):
    when = f"{_day(10)}T19:00"

    _book(resident_client, world, when)

    case = Case.objects.get()
    asked = timezone.localtime(case.preferred_time)
    assert f"{asked:%Y-%m-%dT%H:%M}" == when
    assert case.resolution_due > case.preferred_time
    page = resident_client.get(reverse("cases:mine_detail", args=[case.tracking_no]))
    assert f"{asked:%Y-%m-%d %H:%M}" in page.content.decode().split("data-preferred-time>")[1]


def test_the_api_refuses_a_booking_at_night_too(world, catalogue, client_for):
    from api.tests.test_api import _client

    user = world.R1.user or _make_user(world)
    response = _client(user).post(
        "/api/v1/cases",
        {
            "item": "CV001",
            "description": "下水道堵了",
            "household_id": world.H1.pk,
            "preferred_time": f"{_day(2)}T03:00:00+08:00",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "08:00–20:00" in response.json()["message"]
    assert not Case.objects.exists()


def _make_user(world):
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    return user
