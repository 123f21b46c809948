"""Engagement over REST (/api/v1/engagement): public activities, the token's resident's
sign-ups, deliberation topics and support — one error shape, cursor paging."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api.services import token_create
from engagement import services
from engagement.models import Signup
from engagement.tests.factories import make_activity

pytestmark = pytest.mark.django_db


def _client(user):
    _token, key = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def coming(eng):
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    return [
        make_activity(eng.venue, capacity=1, starts_at=start + timedelta(hours=i), title=f"活动{i}")
        for i in range(3)
    ]


def test_activities_are_public_and_paged_by_cursor(eng, coming):
    client = Client()
    first = client.get("/api/v1/engagement/activities", {"limit": 2}).json()
    second = client.get(
        "/api/v1/engagement/activities", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()

    assert [a["title"] for a in first["items"]] == ["活动0", "活动1"]
    assert [a["title"] for a in second["items"]] == ["活动2"] and second["next_cursor"] is None
    assert first["items"][0]["places_left"] == 1
    bad = client.get("/api/v1/engagement/activities", {"cursor": "nonsense"})
    assert bad.status_code == 400 and bad.json()["fields"] == {"cursor": ["invalid"]}


def test_resident_signs_up_gets_waitlisted_cancels_and_the_next_moves_up(eng, coming):
    activity = coming[0]
    me, neighbour = _client(eng.u1), _client(eng.u2)
    url = f"/api/v1/engagement/activities/{activity.pk}/signups"

    mine = me.post(url, {}, content_type="application/json")
    theirs = neighbour.post(url, {}, content_type="application/json")
    twice = me.post(url, {}, content_type="application/json")

    assert mine.status_code == 201 and mine.json()["status"] == "confirmed"
    assert len(mine.json()["code"]) == 6
    assert theirs.json()["status"] == "waitlisted" and theirs.json()["waitlist_position"] == 1
    assert theirs.json()["code"] is None
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate"

    cancelled = me.post(f"/api/v1/engagement/signups/{mine.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    listed = neighbour.get("/api/v1/engagement/signups").json()["items"]
    assert [(s["id"], s["status"]) for s in listed] == [(theirs.json()["id"], "confirmed")]


def test_sign_up_a_household_member_but_not_a_stranger(eng, coming):
    me = _client(eng.u1)
    url = f"/api/v1/engagement/activities/{coming[1].pk}/signups"

    child = me.post(url, {"resident_id": eng.child.pk}, content_type="application/json")
    stranger = me.post(url, {"resident_id": eng.world.R3.pk}, content_type="application/json")

    assert child.status_code == 201 and child.json()["resident"] == "居民1的孩子"
    assert stranger.status_code == 404 and stranger.json()["code"] == "not_found"


def test_sign_up_needs_a_resident_token_and_others_sign_ups_are_404(eng, coming):
    url = f"/api/v1/engagement/activities/{coming[0].pk}/signups"
    assert Client().post(url, {}, content_type="application/json").status_code == 401
    staff = _client(eng.world.community).post(url, {}, content_type="application/json")
    assert staff.status_code == 403 and set(staff.json()) == {"code", "message", "fields"}

    signup = services.signup_create(activity=coming[0], resident=eng.world.R1, user=eng.u1)
    other = _client(eng.u2).post(f"/api/v1/engagement/signups/{signup.pk}/cancel")
    assert other.status_code == 404
    assert Signup.objects.get(pk=signup.pk).status == "confirmed"


def test_topics_list_and_support_once(eng):
    topic = services.topic_propose(
        user=eng.u1, title="加装电梯", description="老楼没有电梯", community=eng.world.C1
    )
    services.topic_propose(
        user=eng.u3, title="武定路停车", description="车位不足", community=eng.world.C2
    )
    neighbour = _client(eng.u2)

    listed = neighbour.get("/api/v1/engagement/topics").json()["items"]
    supported = neighbour.post(f"/api/v1/engagement/topics/{topic.pk}/support")
    again = neighbour.post(f"/api/v1/engagement/topics/{topic.pk}/support")

    assert [t["title"] for t in listed] == ["加装电梯"]  # only their community's
    assert supported.json()["support_count"] == 2 and supported.json()["supported"] is True
    assert again.status_code == 400 and again.json()["code"] == "duplicate"
    outside = _client(eng.u3).post(f"/api/v1/engagement/topics/{topic.pk}/support")
    assert outside.status_code == 404


def test_nul_characters_are_refused_with_the_one_error_shape(eng, coming):
    """PostgreSQL cannot store or compare NUL: every endpoint refuses it up front."""
    listed = Client().get("/api/v1/engagement/activities", {"domain": "or\x00ange"})
    items = Client().get("/api/v1/catalog/items", {"q": "\x00"})
    case = _client(eng.u1).post(
        "/api/v1/cases",
        {"item": "RB01", "description": "a\x00b", "resident_mobile": "\x00"},
        content_type="application/json",
    )

    for response in (listed, items, case):
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": "Text must not contain NUL characters.",
            "fields": {},
        }
