"""The whole hotline cycle against the fake hotline, over real HTTP both ways: our answers go
to its server, its rulings and follow-up calls come back to our endpoint on a live server,
and while it is down nothing is lost and everything arrives in order once it is back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services, worker
from cases.models import Case, OutboxMessage

MINUTE = timedelta(minutes=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_hotline_cycle_survives_the_hotline_going_down(
    world, fake_hotline, system, hotline_order, live_server
):
    t0 = timezone.now()
    a, b = hotline_order("A-1", now=t0), hotline_order("B-1", now=t0)
    services.case_accept(case=a, actor=world.manager, now=t0)
    asked = a.resolution_due + timedelta(days=2)
    services.case_request_extension(
        case=a, actor=world.manager, reason="需等配件", new_due=asked, now=t0 + MINUTE
    )
    services.case_return(case=b, actor=world.manager, reason="wrong_location", now=t0 + MINUTE)
    fake_hotline.rulings = {"extension_request": True, "return_request": False}

    worker.run_once(now=t0 + MINUTE)
    replies = fake_hotline.send_answers(live_server.url, system.key)

    assert [status for status, _ in replies] == [200, 200]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.resolution_due, b.status) == (asked, "submitted")  # granted; back to the handler

    # The hotline goes down while the work goes on.
    fake_hotline.go_down()
    services.case_accept(case=b, actor=world.manager, now=t0 + 2 * MINUTE)
    services.case_reply(case=b, actor=world.manager, text="已与市民约好时间", now=t0 + 2 * MINUTE)
    services.case_resolve(case=a, actor=world.manager, note="配件已更换", now=t0 + 3 * MINUTE)
    worker.run_once(now=t0 + 3 * MINUTE)
    fake_hotline.come_back()
    fake_hotline.mode = "503"
    worker.run_once(now=t0 + 5 * MINUTE)
    redo_by = t0 + timedelta(days=3)
    fake_hotline.follow_ups = {"A-1": ("dissatisfied", False, redo_by.isoformat())}
    fake_hotline.mode = "up"
    worker.run_once(now=t0 + 10 * MINUTE)

    assert fake_hotline.of_order("A-1") == ["accepted", "extension_request", "resolved"]
    assert fake_hotline.of_order("B-1") == ["return_request", "accepted", "progress"]
    assert not OutboxMessage.objects.filter(channel="connect").exclude(state="sent").exists()

    # Its follow-up call: not satisfied, so the case is redone by the hotline's time limit.
    [(status, reply)] = fake_hotline.send_answers(live_server.url, system.key)
    a = Case.objects.get(pk=a.pk)
    assert (status, reply["status"]) == (200, "reopened")
    assert (a.status, a.rating, a.rating_source, a.resolution_due) == (
        "reopened",
        "dissatisfied",
        "hotline",
        redo_by,
    )
    services.case_accept(case=a, actor=world.manager, now=t0 + 11 * MINUTE)
    services.case_resolve(case=a, actor=world.manager, note="重新处理完毕", now=t0 + 12 * MINUTE)
    worker.run_once(now=t0 + 12 * MINUTE)
    assert fake_hotline.of_order("A-1")[3:] == ["accepted", "resolved"]
    assert [m.get("text") for m in fake_hotline.received if m["type"] == "resolved"] == [
        "配件已更换",
        "重新处理完毕",
    ]
