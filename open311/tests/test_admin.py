import re

import pytest

from open311 import services
from open311.models import ClientApp

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/open311/clientapp/add/"
KEY = re.compile(r"o311_[A-Za-z0-9_\-]{43}")


def test_admin_add_shows_the_key_once(world, client_for):
    admin = client_for(world.admin)

    response = admin.post(
        ADD_URL,
        {
            "name": "FixMyStreet",
            "community": world.C1.pk,
            "rate_limit_per_minute": 60,
            "is_active": "on",
        },
        follow=True,
    )

    keys = KEY.findall(response.content.decode())
    assert len(keys) == 1
    client = ClientApp.objects.get()
    assert services.client_for_key(key=keys[0]) == client
    assert (client.name, client.community, client.rate_limit_per_minute) == (
        "FixMyStreet",
        world.C1,
        60,
    )
    change_page = admin.get(f"/admin/open311/clientapp/{client.pk}/change/")
    assert change_page.status_code == 200
    assert keys[0] not in change_page.content.decode()
    assert client.key_prefix in change_page.content.decode()
    assert KEY.findall(admin.get("/admin/open311/clientapp/").content.decode()) == []


def test_admin_add_refuses_a_unit_that_is_not_a_community(world, client_for):
    response = client_for(world.admin).post(
        ADD_URL, {"name": "X", "community": world.G1.pk, "rate_limit_per_minute": 30}
    )

    assert response.status_code == 200  # the form again, with its error
    assert "这一项已不能选，请重新选择。" in response.content.decode()
    assert ClientApp.objects.count() == 0


def test_admin_change_keeps_the_key(world, client_for):
    client, key = services.client_create(name="A", community=world.C1)

    client_for(world.admin).post(
        f"/admin/open311/clientapp/{client.pk}/change/",
        {"name": "A2", "community": world.C1.pk, "rate_limit_per_minute": 10},
    )

    client.refresh_from_db()
    assert (client.name, client.rate_limit_per_minute, client.is_active) == ("A2", 10, False)
    assert services.client_for_key(key=key) is None  # inactive now
    client.is_active = True
    client.save()
    assert services.client_for_key(key=key) == client


def test_admin_action_issues_a_new_key(world, client_for):
    client, old = services.client_create(name="A", community=world.C1)

    response = client_for(world.admin).post(
        "/admin/open311/clientapp/",
        {"action": "issue_new_key", "_selected_action": [client.pk]},
        follow=True,
    )

    (new,) = KEY.findall(response.content.decode())
    assert services.client_for_key(key=new) == client
    assert services.client_for_key(key=old) is None
