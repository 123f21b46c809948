"""A refusal (an ApplicationError a view lets through) is rendered in one place: the error page
for a page, a fragment that htmx shows right after the element that asked for an htmx request.
The REST API and Open311 keep their own formats."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

REFUSALS = [
    ("invalid", 400, "门牌号不对。"),
    ("missing", 404, "您访问的页面或记录不存在，或不在您的辖区范围内。"),
    ("forbidden", 403, "您无权执行此操作。"),
    ("conflict", 409, "该内容已被他人修改，请刷新后重试。"),
    ("limited", 429, "请求过于频繁，请稍后再试。"),
]


@pytest.mark.urls("core.tests.refusal_urls")
@pytest.mark.parametrize(("kind", "status", "text"), REFUSALS)
def test_refusal_of_a_page_is_the_error_page_with_its_status(client, kind, status, text):
    response = client.get(f"/refuse/{kind}/")

    assert response.status_code == status
    html = response.content.decode()
    assert html.lstrip().startswith("<!doctype html>")
    assert text in html
    assert "HX-Retarget" not in response.headers


@pytest.mark.urls("core.tests.refusal_urls")
@pytest.mark.parametrize(("kind", "status", "text"), REFUSALS)
def test_refusal_of_an_htmx_request_is_a_fragment_after_the_element(client, kind, status, text):
    response = client.post(f"/refuse/{kind}/", HTTP_HX_REQUEST="true")

    assert response.status_code == status
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="alert')
    assert 'role="alert"' in html and text in html
    assert "<html" not in html
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("this", "afterend")


@pytest.mark.urls("core.tests.refusal_urls")
def test_refusal_is_in_the_users_language(client):
    client.cookies["django_language"] = "en"

    html = client.post("/refuse/conflict/", HTTP_HX_REQUEST="true").content.decode()

    assert "Someone else changed this first. Reload and try again." in html


def test_expired_page_post_through_htmx_says_to_reload(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("cases:notifications"), HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    html = response.content.decode()
    assert "<html" not in html
    assert "页面已过期，请刷新页面后再试。" in html


def test_expired_page_post_without_htmx_is_a_page_that_says_to_reload(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("cases:notifications"))

    assert response.status_code == 403
    assert "页面已过期，请刷新页面后再试。" in response.content.decode()


def test_rest_api_keeps_its_own_error_shape(world, client_for):
    response = client_for(world.manager).post(
        "/api/v1/cases/FC20260101-9999/actions/accept",
        {"version": 1},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到。", "fields": {}}


def test_open311_keeps_its_own_error_document(client):
    response = client.get("/open311/v2/requests/FC20260101-9999.json")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()[0]["code"] == 404


def test_action_from_a_page_whose_session_ended_goes_to_sign_in_and_back(client, world):
    response = client.post(
        reverse("cases:act", args=[1, "accept"]),
        {"version": 1},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/cases/1/?tab=x",
    )

    assert response.status_code == 204
    assert response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fcases%2F1%2F%3Ftab%3Dx"


def test_page_whose_session_ended_still_redirects_to_sign_in(client, world):
    response = client.get(reverse("cases:detail", args=[1]))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/1/"
