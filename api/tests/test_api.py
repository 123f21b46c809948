import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create
from cases.models import Case

pytestmark = pytest.mark.django_db


def _client(user):
    _token, key = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _create(client, world, **extra):
    body = {"item": "RB01", "description": "楼道堆满杂物", "household_id": world.H1.pk, **extra}
    return client.post(
        "/api/v1/cases",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=extra.pop("key", "k-1"),
    )


@pytest.fixture
def resident(world, catalogue):
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    return user


def test_api_requires_a_token_with_one_error_shape(world, catalogue):
    response = Client().get("/api/v1/cases")

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Sign in or send a valid API token.",
        "fields": {},
    }


def test_api_revoked_token_is_refused(world, catalogue):
    token, key = token_create(user=world.manager, name="x")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")

    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/cases").status_code == 401


def test_api_token_is_stored_hashed(world):
    token, key = token_create(user=world.manager, name="x")

    assert key not in token.key_hash and token.prefix == key[:8]


def test_api_catalogue_is_public(catalogue):
    items = Client().get("/api/v1/catalog/items", {"q": "漏水"}).json()

    assert items and all(
        "漏水" in (i["name"] + i["description"] + " ".join(i["keywords"])) for i in items
    )
    assert "promise" in items[0]


def test_api_resident_creates_a_case_idempotently(world, resident):
    client = _client(resident)
    first = _create(client, world)
    again = _create(client, world)

    assert first.status_code == 201
    assert first.json()["tracking_no"] == again.json()["tracking_no"]
    assert Case.objects.count() == 1
    assert Case.objects.get().channel == "api"


def test_api_create_records_the_suggestion_of_the_active_model(world, resident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.worker import deliver_outbox, fan_out_due
    from triage.models import Suggestion
    from triage.services import model_train

    active = model_train(reason="test")
    client = _client(resident)
    leak = {"item": "RB15", "description": "楼上漏水，水一直往下滴"}
    first = _create(client, world, **leak)
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())  # the worker records the suggestions
    second = _create(client, world, **leak, key="k-2")
    fan_out_due(now=timezone.now())
    with CaptureQueriesContext(connection) as captured:
        deliver_outbox(now=timezone.now())

    assert (first.status_code, second.status_code) == (201, 201)
    suggestions = Suggestion.objects.order_by("case__tracking_no")
    assert [(s.case.tracking_no, s.model, s.filed_item.code) for s in suggestions] == [
        (first.json()["tracking_no"], active, "RB15"),
        (second.json()["tracking_no"], active, "RB15"),
    ]
    assert [s.ranked[0][0] for s in suggestions] == ["RB15", "RB15"]
    # The model is loaded once per process, not per case: no query fetches it again.
    assert not [q for q in captured.captured_queries if "blob" in q["sql"]]


def test_api_create_without_a_model_files_the_case_and_records_nothing(world, resident):
    from cases.worker import deliver_outbox, fan_out_due
    from triage.models import Suggestion

    response = _create(_client(resident), world)
    fan_out_due(now=timezone.now())
    deliver_outbox(now=timezone.now())

    assert response.status_code == 201
    assert Case.objects.get().tracking_no == response.json()["tracking_no"]
    assert Suggestion.objects.count() == 0


def test_api_resident_cannot_place_a_case_in_another_household(world, resident):
    response = _create(_client(resident), world, household_id=world.H2.pk)

    assert response.status_code == 400
    assert response.json()["fields"] == {"building_id": ["unknown or out of scope"]}
    assert Case.objects.count() == 0


def test_api_bad_body_gets_field_errors(world, resident):
    response = _client(resident).post("/api/v1/cases", {"item": 5}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and "description" in response.json()["fields"]


def test_api_staff_list_follows_scope_with_a_cursor(world, resident):
    client = _client(resident)
    for n in range(3):
        _create(client, world, key=f"k{n}", description=f"第{n}件")

    page1 = _client(world.manager).get("/api/v1/cases", {"limit": 2}).json()
    page2 = (
        _client(world.manager)
        .get("/api/v1/cases", {"limit": 2, "cursor": page1["next_cursor"]})
        .json()
    )
    other = _client(world.other_manager).get("/api/v1/cases").json()

    assert len(page1["items"]) == 2 and len(page2["items"]) == 1 and page2["next_cursor"] is None
    assert {c["tracking_no"] for c in page1["items"] + page2["items"]} == set(
        Case.objects.values_list("tracking_no", flat=True)
    )
    assert other["items"] == []


def test_api_staff_actions_and_version_conflict(world, resident):
    tracking = _create(_client(resident), world).json()["tracking_no"]
    manager = _client(world.manager)

    accepted = manager.post(
        f"/api/v1/cases/{tracking}/actions/accept", {"version": 1}, content_type="application/json"
    )
    stale = manager.post(
        f"/api/v1/cases/{tracking}/actions/resolve",
        {"version": 1, "text": "好了"},
        content_type="application/json",
    )
    resolved = manager.post(
        f"/api/v1/cases/{tracking}/actions/resolve",
        {"version": 2, "text": "好了"},
        content_type="application/json",
    )

    assert accepted.json()["status"] == "accepted"
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert resolved.json()["status"] == "resolved"


def test_api_action_form_errors_and_illegal_transition(world, resident):
    tracking = _create(_client(resident), world).json()["tracking_no"]
    manager = _client(world.manager)

    missing = manager.post(
        f"/api/v1/cases/{tracking}/actions/return",
        {"version": 1, "reason": "bored"},
        content_type="application/json",
    )
    illegal = manager.post(
        f"/api/v1/cases/{tracking}/actions/resolve",
        {"version": 1, "text": "x"},
        content_type="application/json",
    )
    unknown = manager.post(
        f"/api/v1/cases/{tracking}/actions/explode", {}, content_type="application/json"
    )

    # A reason that is not one of the three breaks the body's declared type (422).
    assert missing.status_code == 422 and "reason" in missing.json()["fields"]
    assert illegal.status_code == 409 and illegal.json()["code"] == "invalid_transition"
    assert unknown.status_code == 404


def test_api_out_of_scope_case_looks_missing(world, resident):
    tracking = _create(_client(resident), world).json()["tracking_no"]

    outside = _client(world.other_manager).get(f"/api/v1/cases/{tracking}")
    missing = _client(world.other_manager).get("/api/v1/cases/FC20990101-0001")

    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_api_resident_sees_only_public_timeline_and_rates(world, resident):
    from cases import services

    client = _client(resident)
    tracking = _create(client, world).json()["tracking_no"]
    case = Case.objects.get()
    services.case_accept(case=case, actor=world.manager)
    services.case_reply(case=case, actor=world.manager, text="内部", public=False)
    services.case_resolve(case=case, actor=world.manager, note="修好了")

    detail = client.get(f"/api/v1/cases/{tracking}").json()
    rated = client.post(
        f"/api/v1/cases/{tracking}/rate", {"rating": "satisfied"}, content_type="application/json"
    )

    assert [e["action"] for e in detail["timeline"]] == ["submit", "accept", "resolve"]
    assert all(e["actor"] is None for e in detail["timeline"])
    assert rated.json()["status"] == "closed"


def test_api_writes_are_rate_limited(world, resident, settings):
    settings.API_WRITES_PER_MINUTE = 2
    client = _client(resident)
    codes = [_create(client, world, key=f"r{n}").status_code for n in range(3)]

    assert codes == [201, 201, 429]


def test_api_session_auth_for_the_sites_own_pages(world, resident, client_for):
    response = client_for(world.manager).get("/api/v1/orgs/estates")

    assert [e["code"] for e in response.json()] == ["e1", "e3"]


def test_api_docs_are_served_without_a_cdn(client):
    docs = client.get("/api/v1/docs").content.decode()
    schema = client.get("/api/v1/openapi.json").json()

    assert "cdn." not in docs and "/static/" in docs
    assert "/api/v1/cases" in schema["paths"]


def test_token_page_shows_the_key_once_and_revokes(world, client_for):
    client = client_for(world.manager)

    created = client.post(reverse("api_tokens"), {"name": "报表脚本"}).content.decode()
    listed = client.get(reverse("api_tokens")).content.decode()
    token = ApiToken.objects.get()
    client.post(reverse("api_token_revoke", args=[token.pk]))

    assert "data-new-key" in created and "data-new-key" not in listed
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        client_for(world.other_manager)
        .post(reverse("api_token_revoke", args=[token.pk]))
        .status_code
        == 404
    )
