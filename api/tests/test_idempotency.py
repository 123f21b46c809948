"""An Idempotency-Key names one request: the same body gets the first case back, another
body under the same key is refused with a clear code, and nothing new is stored."""

import json
import threading
import urllib.request

import pytest

from api.services import token_create
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_retries_sent_at_the_same_moment_file_one_case_and_spend_one_number(
    live_server,
    world,
    resident,  # noqa: F811
):
    """A phone on a bad line sends its report six times at once, over real HTTP: one case,
    every answer names it, and the numbers the losers drew are not lost to the next case."""
    _token, key = token_create(user=resident, name="phone")
    body = {"item": "RB01", "description": "楼道堆满杂物", "household_id": world.H1.pk}
    barrier, answers, lock = threading.Barrier(6), [], threading.Lock()

    def send(idempotency_key="k-same"):
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/cases",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": idempotency_key,
            },
        )
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response, lock:
            answers.append((response.status, json.loads(response.read())["tracking_no"]))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    case = Case.objects.get()
    assert answers == [(201, case.tracking_no)] * 6
    barrier = threading.Barrier(1)
    send("k-next")
    assert answers[-1][1] == case.tracking_no[:-4] + "0002"
