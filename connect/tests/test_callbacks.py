"""Answers going out to the hotline: each step of its order, signed, retried, in the order of
the case's events, with a stable event id, to a fake hotline on loopback."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from cases import services, worker
from cases.models import OutboxMessage
from connect import services as connect_services
from connect.models import ExternalOrder

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


def _event(case, action):
    return case.events.get(action=action)


def test_each_step_of_an_order_reaches_the_hotline_signed_in_the_order_it_happened(
    world, fake_hotline, system, hotline_order
):
    t0 = timezone.now()
    case = hotline_order(now=t0)
    services.case_accept(case=case, actor=world.manager, now=t0 + MINUTE)
    services.case_reply(
        case=case, actor=world.manager, text="已联系保洁，今天下午清理", now=t0 + 2 * MINUTE
    )
    new_due = case.resolution_due + timedelta(days=2)
    services.case_request_extension(
        case=case,
        actor=world.manager,
        reason="需等业委会确认",
        new_due=new_due,
        now=t0 + 3 * MINUTE,
    )
    services.case_resolve(
        case=case, actor=world.manager, note="杂物已清理完毕", now=t0 + 4 * MINUTE
    )

    worker.run_once(now=t0 + 5 * MINUTE)

    common = {"order_number": "12345-20261125-0001", "tracking_no": case.tracking_no}
    at = lambda minutes: timezone.localtime(t0 + minutes * MINUTE).isoformat(timespec="seconds")  # noqa: E731
    assert fake_hotline.received == [
        common
        | {
            "event_id": _event(case, "accept").pk,
            "type": "accepted",
            "at": at(1),
            "accepted_by": {"name": "Wuye_Jingli", "unit": "方圆物业公司"},
        },
        common
        | {
            "event_id": _event(case, "reply").pk,
            "type": "progress",
            "at": at(2),
            "text": "已联系保洁，今天下午清理",
        },
        common
        | {
            "event_id": _event(case, "extension_request").pk,
            "type": "extension_request",
            "at": at(3),
            "reason": "需等业委会确认",
            "new_due": timezone.localtime(new_due).isoformat(timespec="seconds"),
        },
        common
        | {
            "event_id": _event(case, "resolve").pk,
            "type": "resolved",
            "at": at(4),
            "text": "杂物已清理完毕",
        },
    ]
    assert fake_hotline.refused == []


def test_a_return_request_carries_its_reason_in_the_hotline_s_words(
    world, fake_hotline, system, hotline_order
):
    case = hotline_order()
    services.case_return(
        case=case, actor=world.manager, reason="ownership_unclear", note="该区域属市政管理"
    )

    worker.run_once(now=timezone.now())

    [message] = fake_hotline.received
    assert {k: message[k] for k in ("type", "reason", "reason_label", "note")} == {
        "type": "return_request",
        "reason": "ownership_unclear",
        "reason_label": "权属不清",
        "note": "该区域属市政管理",
    }


def test_a_bad_signature_is_refused_with_401_and_counted_as_a_failed_attempt(
    world, fake_hotline, system, hotline_order
):
    t0 = timezone.now()
    case = hotline_order(now=t0)
    services.case_accept(case=case, actor=world.manager, now=t0)
    fake_hotline.keys[system.secret_id] = "not-the-secret-we-sign-with"

    worker.run_once(now=t0)

    [message] = OutboxMessage.objects.filter(channel="connect")
    assert (message.state, message.attempts, message.last_error) == ("pending", 1, "HTTP 401")
    assert message.next_attempt_at == t0 + MINUTE
    assert [m["event_id"] for m in fake_hotline.refused] == [_event(case, "accept").pk]
    assert fake_hotline.received == []

    fake_hotline.keys[system.secret_id] = system.signing_secret
    worker.run_once(now=t0 + MINUTE)

    assert [m["event_id"] for m in fake_hotline.received] == [_event(case, "accept").pk]
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)


def test_a_hotline_that_is_down_loses_nothing_and_gets_each_order_in_order_once_back(
    world, fake_hotline, system, hotline_order
):
    t0 = timezone.now()
    a = hotline_order("A-1", now=t0)
    b = hotline_order("B-1", now=t0)
    services.case_accept(case=a, actor=world.manager, now=t0 + MINUTE)
    services.case_accept(case=b, actor=world.manager, now=t0 + MINUTE)
    services.case_reply(case=a, actor=world.manager, text="师傅下午到", now=t0 + 2 * MINUTE)
    fake_hotline.go_down()

    worker.run_once(now=t0 + 2 * MINUTE)  # connections refused
    services.case_return(case=b, actor=world.manager, reason="wrong_location", now=t0 + 3 * MINUTE)
    services.case_resolve(case=a, actor=world.manager, note="已清理", now=t0 + 4 * MINUTE)
    worker.run_once(now=t0 + 4 * MINUTE)  # the first retry, one minute on
    fake_hotline.come_back()
    fake_hotline.mode = "503"
    worker.run_once(now=t0 + 7 * MINUTE)  # up again, but failing
    fake_hotline.mode = "up"
    worker.run_once(now=t0 + 12 * MINUTE)

    assert fake_hotline.of_order("A-1") == ["accepted", "progress", "resolved"]
    assert fake_hotline.of_order("B-1") == ["accepted", "return_request"]
    # Only the first answer of each order was tried while it was failing, each time with the
    # same event id; nothing after it was sent before it.
    heads = {_event(a, "accept").pk, _event(b, "accept").pk}
    assert {m["event_id"] for m in fake_hotline.failed} == heads and len(fake_hotline.failed) == 2
    assert [m["event_id"] for m in fake_hotline.received].count(_event(a, "accept").pk) == 1
    assert set(
        OutboxMessage.objects.filter(channel="connect").values_list("state", "attempts")
    ) == {("sent", 4), ("sent", 1)}


def test_a_hotline_with_only_a_portal_is_sent_nothing(world, fake_hotline, system, hotline_order):
    portal, _ = connect_services.system_create(
        name="12345 门户", kind="hotline", community=world.C1
    )
    case = hotline_order()
    ExternalOrder.objects.filter(case=case).update(system=portal)

    services.case_accept(case=case, actor=world.manager)

    assert not OutboxMessage.objects.filter(channel="connect").exists()


def test_the_hotline_hears_only_of_its_own_orders(world, report, fake_hotline, system, fan_out):
    case = report()  # a resident's own report through the web

    services.case_accept(case=case, actor=world.manager)
    assert fan_out() == 2

    assert not OutboxMessage.objects.filter(channel="connect").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_worker_sends_no_answer_of_an_order_while_the_one_before_is_on_its_way(
    world, fake_hotline, system, hotline_order
):
    t0 = timezone.now()
    slow, other = hotline_order("S-1", now=t0), hotline_order("O-1", now=t0)
    fake_hotline.hold = services.case_reply(case=slow, actor=world.manager, text="进展1", now=t0).pk
    worker.fan_out_due(now=t0)

    def run():
        worker.deliver_outbox(now=t0)
        connections.close_all()

    busy = threading.Thread(target=run)
    busy.start()
    assert fake_hotline.in_flight.wait(
        timeout=15
    )  # the first worker waits for the hotline's answer
    services.case_reply(case=slow, actor=world.manager, text="进展2", now=t0)
    services.case_reply(case=other, actor=world.manager, text="另一单", now=t0)
    worker.fan_out_due(now=t0)
    worker.deliver_outbox(now=t0)  # a second worker, meanwhile
    sent_meanwhile = [m["text"] for m in fake_hotline.received]
    fake_hotline.release.set()
    busy.join(timeout=30)
    worker.deliver_outbox(now=t0)

    assert sent_meanwhile == ["另一单"]
    assert [m["text"] for m in fake_hotline.received if m["order_number"] == "S-1"] == [
        "进展1",
        "进展2",
    ]
