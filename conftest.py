import pytest
from django.core.cache import cache

from core.testing import build_world


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user (bypassing the sign-in form)."""

    def _client_for(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client_for
