import hashlib

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError
from open311 import services
from open311.models import ClientApp

pytestmark = pytest.mark.django_db


def test_client_create_stores_only_a_hash_of_the_key(world):
    client, key = services.client_create(name="市民热线", community=world.C1)

    assert key.startswith("o311_") and len(key) > 40
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert client.key_prefix == key[:12]
    assert key not in str(ClientApp.objects.values().get())
    assert (client.rate_limit_per_minute, client.is_active) == (30, True)


def test_client_create_makes_a_service_account_that_cannot_sign_in(world):
    client, _key = services.client_create(name="市民热线", community=world.C1)

    assert client.user.username.startswith("open311-")
    assert client.user.full_name == "Open311 · 市民热线"
    assert not client.user.has_usable_password()
    assert not client.user.is_staff


def test_client_create_needs_a_community_and_a_name(world):
    with pytest.raises(ValidationError):
        services.client_create(name="网格", community=world.G1)
    with pytest.raises(ApplicationError):
        services.client_create(name="  ", community=world.C1)
    assert ClientApp.objects.count() == 0


def test_client_for_key_finds_only_active_clients_by_their_key(world):
    client, key = services.client_create(name="A", community=world.C1)
    _other, other_key = services.client_create(name="B", community=world.C2, is_active=False)

    assert services.client_for_key(key=key) == client
    assert services.client_for_key(key=other_key) is None
    assert services.client_for_key(key=key[:-1]) is None
    assert services.client_for_key(key="") is None
    assert services.client_for_key(key=None) is None
    assert services.client_for_key(key="hgj_" + key[5:]) is None


def test_client_key_rotate_retires_the_old_key(world):
    client, old = services.client_create(name="A", community=world.C1)

    new = services.client_key_rotate(client=client)

    assert services.client_for_key(key=old) is None
    assert services.client_for_key(key=new) == client
    client.refresh_from_db()
    assert client.key_prefix == new[:12]
