"""Property-based fuzzing of the REST API from its own OpenAPI document (schemathesis):
whatever the input, no 500, every status answered is one the operation declares, and every
response matches its schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import token_create
from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connection():
    """Call the WSGI app the way Django's test client does: without closing the test
    database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(world, catalogue, keep_connection):
    _token, key = token_create(user=world.secretary, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_and_matches_its_schema(case, auth_headers):
    case.call_and_validate(
        headers=auth_headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
