"""Staff sign-in from outside: a giant username is refused plainly, and lock-outs count a
username's failures from anywhere and an address's failures on any accounts."""

import pytest
from django.test import Client, override_settings

from core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(username, password="wrong-password", ip="10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_a_username_of_300_characters_is_refused_without_an_error(world):
    response = _sign_in("a" * 300)

    assert response.status_code == 200
    assert "最多 150 字" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=5, SIGN_IN_FAILURES_PER_ADDRESS=20)
def test_one_account_tried_from_many_addresses_is_locked(world):
    for n in range(10):
        _sign_in("shequ", ip=f"10.0.1.{n}")

    locked = _sign_in("shequ", password=PASSWORD, ip="10.0.2.1")

    assert locked.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=5, SIGN_IN_FAILURES_PER_ADDRESS=20)
def test_one_address_trying_many_accounts_is_locked(world):
    usernames = ["shequ", "shuji", "jiedao", "wanggeyuan", "weiwangge", "hehuoren"]
    for username in usernames:
        for _ in range(4):
            _sign_in(username, ip="10.0.3.1")

    locked = _sign_in("wuye_jingli", password=PASSWORD, ip="10.0.3.1")
    elsewhere = _sign_in("wuye_jingli", password=PASSWORD, ip="10.0.4.1")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302
