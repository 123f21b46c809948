"""An Idempotency-Key names one request: the same body gets the first case back, another
body under the same key is refused with a clear code, and nothing new is stored."""

import pytest

from api.tests.test_api import _client, resident  # noqa: F401 (fixture)
from cases.models import Case

pytestmark = pytest.mark.django_db


def _post(client, world, key, **body):
    return client.post(
        "/api/v1/cases",
        {"item": "RB01", "description": "楼道堆满杂物", "household_id": world.H1.pk, **body},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_the_same_key_and_body_returns_the_first_case(world, resident):  # noqa: F811
    client = _client(resident)

    first, again = _post(client, world, "k-1"), _post(client, world, "k-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["tracking_no"] == first.json()["tracking_no"]
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(world, resident):  # noqa: F811
    client = _client(resident)
    first = _post(client, world, "k-1")

    reused = _post(client, world, "k-1", description="电梯坏了")

    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert first.json()["tracking_no"] in reused.json()["message"]
    assert list(Case.objects.values_list("description", flat=True)) == ["楼道堆满杂物"]
