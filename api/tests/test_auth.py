"""Who a request to the REST API is: a personal token, or the site's own session. A write
without a valid token is unauthenticated (401), never a CSRF refusal; a signed-in session
must show the CSRF token on a write, as every form of the site does."""

import pytest
import requests
from django.test import Client

from api.services import token_create
from cases.models import Case

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "Sign in or send a valid API token.",
    "fields": {},
}
BODY = {"item": "RB01", "description": "楼道堆满杂物"}


def _browser():
    """A client that checks CSRF as a browser's requests are checked."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer hgj_not-a-token"},
        {"HTTP_AUTHORIZATION": "Bearer nonsense"},
        {"HTTP_X_API_KEY": "hgj_not-a-token"},
    ],
)
def test_a_write_without_a_valid_token_is_unauthenticated(world, catalogue, headers):
    response = _browser().post("/api/v1/cases", BODY, content_type="application/json", **headers)

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert Case.objects.count() == 0


def test_a_bad_token_is_unauthenticated_even_beside_a_signed_in_session(world, catalogue):
    client = _browser()
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(
        "/api/v1/notifications/read",
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer hgj_not-a-token",
    )

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_signed_in_session_writes_only_with_the_csrf_token(world, catalogue):
    client = _browser()
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/accounts/login/")  # any page of the site sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    refused = client.post("/api/v1/notifications/read", content_type="application/json")
    allowed = client.post(
        "/api/v1/notifications/read", content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert (refused.status_code, refused.json()) == (
        403,
        {
            "code": "csrf",
            "message": "The CSRF token is missing or wrong: reload the page and try again.",
            "fields": {},
        },
    )
    assert (allowed.status_code, allowed.json()) == (200, {"marked": 0})


def test_a_token_writes_without_any_csrf_token(world, catalogue):
    _token, key = token_create(user=world.manager, name="script")

    response = _browser().post(
        "/api/v1/notifications/read",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert (response.status_code, response.json()) == (200, {"marked": 0})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_over_http_a_bad_token_gets_401_in_the_one_shape(live_server, world, catalogue):
    response = requests.post(
        f"{live_server.url}/api/v1/cases",
        json=BODY,
        headers={"Authorization": "Bearer hgj_expired"},
        timeout=10,
    )

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
