"""A connected system manages its own webhooks over REST with its key: on its endpoint's host
only, known events only, never another system's, and what it sets is what it is sent."""

import json

import pytest
from django.utils import timezone

from api.services import token_create
from cases import services as case_services
from cases import worker
from connect import services
from connect.models import WebhookSubscription

pytestmark = pytest.mark.django_db
URL = "/api/v1/connect/webhooks"


def _call(client, key, method, path="", body=None):
    send = getattr(client, method)
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if body is not None:
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
    return send(URL + path, **kwargs)


@pytest.fixture
def other_system(world, fake_hotline):
    other, key = services.system_create(
        name="住这儿", kind="property_system", company=world.P1, endpoint_url=fake_hotline.url
    )
    other.key = key
    return other


def test_a_system_subscribes_and_is_sent_the_events_it_chose(
    client, world, fake_hotline, system, hotline_order
):
    created = _call(
        client,
        system.key,
        "post",
        body={"name": "办结通知", "url": fake_hotline.url, "events": ["resolved", "accepted"]},
    )
    case = hotline_order()
    case_services.case_accept(case=case, actor=world.manager)
    case_services.case_resolve(case=case, actor=world.manager, note="已清理")
    worker.run_once(now=timezone.now())

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("name", "url", "events", "is_active")} == {
        "name": "办结通知",
        "url": fake_hotline.url,
        "events": ["accepted", "resolved"],
        "is_active": True,
    }
    assert [m["event"] for m in fake_hotline.received if "event" in m] == ["accepted", "resolved"]
    assert fake_hotline.refused == []
    listed = _call(client, system.key, "get").json()["items"]
    assert [h["id"] for h in listed] == [created.json()["id"]]


def test_pausing_and_removing_a_webhook(client, system, fake_hotline):
    hook = services.webhook_create(
        system=system, name="全部", url=fake_hotline.url, events=["closed"]
    )

    paused = _call(client, system.key, "patch", f"/{hook.pk}", {"is_active": False})
    removed = _call(client, system.key, "delete", f"/{hook.pk}")
    again = _call(client, system.key, "delete", f"/{hook.pk}")

    assert (paused.status_code, paused.json()["is_active"]) == (200, False)
    assert (removed.status_code, removed.content) == (204, b"")
    assert again.status_code == 404
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "外发", "url": "http://203.0.113.9/hook", "events": ["closed"]}, "url"),
        ({"name": "外发", "url": "https://127.0.0.1/hook", "events": ["closed"]}, "url"),
        ({"name": "外发", "url": "{endpoint}", "events": ["deleted"]}, "events"),
        ({"name": "外发", "url": "{endpoint}", "events": []}, "events"),
        ({"name": "外发", "url": "not a url", "events": ["closed"]}, "url"),
    ],
)
def test_a_webhook_off_the_endpoint_s_host_or_of_unknown_events_is_refused(
    client, system, fake_hotline, body, field
):
    body = {**body, "url": body["url"].replace("{endpoint}", fake_hotline.url)}

    response = _call(client, system.key, "post", body=body)

    assert response.status_code == 422
    assert field in response.json()["fields"] or any(
        field in name for name in response.json()["fields"]
    )
    assert not WebhookSubscription.objects.exists()


def test_a_bad_change_changes_nothing(client, system, fake_hotline):
    hook = services.webhook_create(
        system=system, name="全部", url=fake_hotline.url, events=["closed"]
    )

    response = _call(
        client, system.key, "patch", f"/{hook.pk}", {"name": "改名", "url": "http://example.com/"}
    )

    hook.refresh_from_db()
    assert response.status_code == 422
    assert (hook.name, hook.url) == ("全部", fake_hotline.url)


def test_a_system_without_an_endpoint_cannot_subscribe(client, world, fake_hotline):
    portal_only, key = services.system_create(name="热线门户", kind="hotline", community=world.C1)

    response = _call(
        client, key, "post", body={"name": "x", "url": fake_hotline.url, "events": ["closed"]}
    )

    assert (response.status_code, response.json()["code"]) == (409, "no_endpoint")


def test_another_system_s_webhooks_are_not_seen_or_changed(
    client, system, other_system, fake_hotline
):
    hook = services.webhook_create(
        system=system, name="热线", url=fake_hotline.url, events=["closed"]
    )

    listed = _call(client, other_system.key, "get").json()["items"]
    changed = _call(client, other_system.key, "patch", f"/{hook.pk}", {"is_active": False})
    removed = _call(client, other_system.key, "delete", f"/{hook.pk}")

    assert listed == []
    assert (changed.status_code, removed.status_code) == (404, 404)
    hook.refresh_from_db()
    assert hook.is_active


def test_a_staff_token_or_no_key_is_refused(client, world):
    _token, staff_key = token_create(user=world.manager, name="x")

    assert _call(client, staff_key, "get").status_code == 401
    assert client.post(URL, "{}", content_type="application/json").status_code == 401
