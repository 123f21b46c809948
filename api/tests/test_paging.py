"""Cursor paging of the REST API's lists (api.paging): one opaque cursor format; page after
page, no row repeats and none is skipped, while rows arrive between the requests."""

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.services import token_create
from cases.models import Channel
from cases.services import case_submit
from catalog.models import Item
from engagement.tests.factories import make_activity, make_venue

pytestmark = pytest.mark.django_db


def _client(user):
    _token, key = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _file(world, description):
    return case_submit(
        item=Item.objects.get(code="RB01"),
        description=description,
        channel=Channel.WEB,
        created_by=world.admin,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
        household=world.H1,
    )


def _pages(client, url, *, limit, between=lambda page: None, **params):
    """Every page of a list in turn (ten at most), calling `between` after each one."""
    pages, cursor = [], ""
    while len(pages) < 10:
        page = client.get(url, {"limit": limit, "cursor": cursor, **params}).json()
        pages.append(page["items"])
        between(len(pages))
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return pages


def _forged(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_case_pages_neither_repeat_nor_skip_a_case_while_cases_arrive(world, catalogue):
    filed = [_file(world, f"第{n}件").tracking_no for n in range(5)]

    pages = _pages(
        _client(world.manager),
        "/api/v1/cases",
        limit=2,
        between=lambda n: _file(world, f"第{n}页之后又来一件"),
        tab="all",
    )

    assert [[c["tracking_no"] for c in page] for page in pages] == [
        filed[4:2:-1],
        filed[2:0:-1],
        filed[:1],
    ]


def test_activity_pages_keep_their_order_through_equal_starts_and_new_activities(eng_venue):
    soon = timezone.now() + timedelta(days=1)
    starts = [
        soon,
        soon + timedelta(hours=1),
        soon + timedelta(hours=1),  # at the same moment: the id decides, across two pages
        soon + timedelta(hours=1, microseconds=400_000),  # within the same second
        soon + timedelta(hours=2),
    ]
    for n, start in enumerate(starts):
        make_activity(eng_venue, starts_at=start, title=f"活动{n}")

    def arrive(page):
        # One sorts before the pages read so far, one after them.
        make_activity(eng_venue, starts_at=soon - timedelta(minutes=page), title=f"早{page}")
        make_activity(eng_venue, starts_at=soon + timedelta(days=page), title=f"晚{page}")

    pages = _pages(Client(), "/api/v1/engagement/activities", limit=2, between=arrive)

    titles = [a["title"] for page in pages for a in page]
    assert titles == ["活动0", "活动1", "活动2", "活动3", "活动4", "晚1", "晚2", "晚3"]


def test_signup_pages_run_newest_first_on_the_same_cursor(world, catalogue):
    from engagement import services
    from engagement.tests.factories import resident_user

    user = resident_user(world.R1)
    venue = make_venue(world.C1)
    soon = timezone.now() + timedelta(days=1)
    for n in range(3):
        activity = make_activity(venue, starts_at=soon + timedelta(hours=n), title=f"活动{n}")
        services.signup_create(activity=activity, resident=world.R1, user=user)

    pages = _pages(_client(user), "/api/v1/engagement/signups", limit=2)

    assert [[s["activity"] for s in page] for page in pages] == [["活动2", "活动1"], ["活动0"]]


@pytest.mark.parametrize(
    "cursor",
    [
        "12",  # an integer cursor of earlier versions
        "1767225600_5",  # an activity cursor of earlier versions
        "nonsense",
        "%%%",
        "x" * 500,
        _forged([]),
        _forged([1, 2]),
        _forged(["a"]),
        _forged([True]),
        _forged([None]),
        _forged([{"pk": 1}]),
        _forged([2**70]),
        _forged(["2026-12-01T10:00:00", 1]),  # no time zone
        _forged(["0001-01-01T00:00:00+14:00", 1]),
        _forged(["9999-12-31T23:59:59-12:00", 1]),
        _forged([1.5, 1]),
    ],
)
def test_a_cursor_that_is_not_ours_is_refused_with_one_message(world, catalogue, cursor):
    cases = _client(world.manager).get("/api/v1/cases", {"cursor": cursor})
    activities = Client().get("/api/v1/engagement/activities", {"cursor": cursor})

    for response in (cases, activities):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": "The cursor is not valid.",
            "fields": {"cursor": ["invalid"]},
        }


@pytest.fixture
def eng_venue(world, catalogue):
    return make_venue(world.C1)
