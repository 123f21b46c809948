"""POST /api/v1/connect/orders, as a connected system calls it: its own key, its numbers,
the answers 201 / 202 / 200 / 409 / 422 / 401, and eight pushes of one order at once."""

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from api.services import token_create
from cases.models import Case
from connect import services
from connect.models import ExternalOrder

URL = "/api/v1/connect/orders"
NOW = timezone.now().replace(microsecond=0)


def _order(**fields) -> dict:
    body = {
        "number": "QD2026120300123",
        "called_at": (NOW - timedelta(minutes=15)).isoformat(),
        "caller_name": "孙女士",
        "caller_phone": "13905320001",
        "address": "方城路小区1号楼1单元101",
        "category_code": "0302",
        "category_label": "物业管理",
        "content": "楼道灯坏了一个月了，晚上老人上下楼很危险",
        "order_type": "投诉",
        "urgency": "一般",
        "sign_by": (NOW + timedelta(hours=2)).isoformat(),
        "answer_by": (NOW + timedelta(days=3)).isoformat(),
    }
    return body | fields


def _push(client, key, body, header="Authorization"):
    value = f"Bearer {key}" if header == "Authorization" else key
    headers = {"HTTP_AUTHORIZATION" if header == "Authorization" else "HTTP_X_API_KEY": value}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_a_pushed_order_is_filed_and_a_retry_answers_the_same_case(client, hotline):
    first = _push(client, hotline.key, _order())
    again = _push(client, hotline.key, _order(), header="X-API-Key")

    case = Case.objects.get()
    expected = {
        "number": "QD2026120300123",
        "state": "filed",
        "tracking_no": case.tracking_no,
        "case_status": "submitted",
    }
    assert (first.status_code, again.status_code) == (201, 200)
    assert {k: first.json()[k] for k in expected} == expected
    assert {k: again.json()[k] for k in expected} == expected
    assert (case.channel, case.external_no, case.created_by) == (
        "hotline",
        "QD2026120300123",
        hotline.user,
    )
    assert case.response_due == NOW + timedelta(hours=2)


@pytest.mark.django_db
def test_the_same_number_with_other_content_is_a_conflict_and_changes_nothing(client, hotline):
    _push(client, hotline.key, _order())

    response = _push(client, hotline.key, _order(answer_by=(NOW + timedelta(days=5)).isoformat()))

    assert response.status_code == 409
    assert response.json()["code"] == "order_conflict"
    assert Case.objects.get().resolution_due == NOW + timedelta(days=3)


@pytest.mark.django_db
def test_an_order_without_a_place_is_accepted_for_the_queue(client, hotline):
    response = _push(client, hotline.key, _order(address="9栋2单元602室"))
    retry = _push(client, hotline.key, _order(address="9栋2单元602室"))

    assert (response.status_code, retry.status_code) == (202, 200)
    assert (response.json()["state"], response.json()["tracking_no"]) == ("needs_place", None)
    assert (Case.objects.count(), ExternalOrder.objects.get().state) == (0, "needs_place")


@pytest.mark.django_db
def test_ids_outside_the_system_s_scope_are_refused(client, world, hotline):
    response = _push(client, hotline.key, _order(household_id=world.H3.pk))

    assert response.status_code == 422
    assert response.json()["fields"] == {"household_id": ["不在该对接系统的受理范围内。"]}
    assert ExternalOrder.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"number": ""}, "number"),
        ({"number": "QD 123"}, "number"),
        ({"number": "9" * 65}, "number"),
        ({"content": "   "}, "content"),
        ({"order_type": "表扬"}, "order_type"),
        ({"caller_phone": "call me"}, "caller_phone"),
        ({"sign_by": "tomorrow"}, "sign_by"),
        ({"building_id": 0}, "building_id"),
        ({"answer_by": (NOW + timedelta(hours=1)).isoformat()}, "answer_by"),
    ],
)
def test_a_malformed_order_is_refused_with_its_field(client, hotline, fields, field):
    response = _push(client, hotline.key, _order(**fields))

    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
    assert ExternalOrder.objects.count() == 0


@pytest.mark.django_db
def test_only_a_live_system_key_may_push(client, world, hotline):
    _token, personal = token_create(user=world.community, name="mine")
    services.system_key_revoke(system=hotline)

    answers = [
        _push(client, key, _order()).status_code for key in ("", personal, hotline.key, "hgjc_x")
    ]

    assert answers == [401, 401, 401, 401]
    assert ExternalOrder.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_pushes_of_one_order_at_once_file_one_case(live_server, hotline):
    """Over real HTTP, eight clients send the same order at the same moment (a hotline
    retrying after a timeout): one case, one 201, and the others see that case."""
    body = json.dumps(_order()).encode()
    barrier = threading.Barrier(8)
    answers, lock = [], threading.Lock()

    def push():
        request = urllib.request.Request(
            live_server.url + URL,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {hotline.key}", "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = (response.status, json.loads(response.read()))
        except urllib.error.HTTPError as error:
            answer = (error.code, json.loads(error.read()))
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=push) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    case = Case.objects.get()
    assert sorted(status for status, _body in answers) == [200] * 7 + [201]
    assert {body["tracking_no"] for _status, body in answers} == {case.tracking_no}
    assert ExternalOrder.objects.get().case == case
