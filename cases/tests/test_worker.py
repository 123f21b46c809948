import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from cases import services, worker
from cases.channels import CHANNELS, DeliveryFailed
from cases.models import Action, Case, OutboxMessage, Status
from cases.tests.conftest import SH, T0
from residents.models import SmsMessage

pytestmark = pytest.mark.django_db


def _escalations(case):
    return case.events.filter(action=Action.ESCALATE).count()


def test_worker_climbs_the_ladder_through_all_four_levels(report, world):
    case = report()  # ordinary: 2 h to respond
    owners = []
    now = T0
    for _ in range(4):
        now = Case.objects.get(pk=case.pk).next_escalation_at or now
        worker.escalate_due(now=now)
        case.refresh_from_db()
        owners.append((case.owner_unit.name, case.level))

    assert owners == [("第一网格", 1), ("方城路社区", 2), ("开平路街道", 3), ("开平路街道", 3)]
    assert _escalations(case) == 3
    assert case.next_escalation_at is None  # on the subdistrict's red list until handled


def test_an_ordinary_report_at_night_waits_for_the_office_and_an_emergency_does_not(report):
    night = datetime(2026, 11, 24, 18, 44, tzinfo=UTC)  # timezone.now(): 02:44 in Beijing
    ordinary = report(now=night)
    leak = report(text="楼上漏水，水一直往下滴", now=night)

    assert ordinary.response_due == datetime(2026, 11, 25, 10, 30, tzinfo=SH)
    assert leak.response_due == datetime(2026, 11, 25, 3, 14, tzinfo=SH)
    assert worker.escalate_due(now=night + timedelta(hours=2, minutes=1)) == 1
    ordinary.refresh_from_db()
    leak.refresh_from_db()
    assert (ordinary.level, leak.level) == (0, 1)


def test_worker_escalation_is_idempotent(report):
    case = report()
    later = T0 + timedelta(hours=2, minutes=1)

    assert worker.escalate_due(now=later) == 1
    assert worker.escalate_due(now=later) == 0
    case.refresh_from_db()
    assert (case.level, _escalations(case)) == (1, 1)


def test_cases_due_at_one_instant_escalate_once_each_across_batches(report, monkeypatch):
    monkeypatch.setattr(worker, "ESCALATION_BATCH", 2)
    cases = [report(now=T0) for _ in range(5)]  # one SLA, one instant: five equal clocks

    assert worker.escalate_due(now=T0 + timedelta(hours=2, minutes=1)) == 5
    assert [_escalations(c) for c in cases] == [1] * 5


def test_only_an_open_case_can_have_a_clock(report):
    case = report()

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, next_escalation_at=None)


def test_worker_does_nothing_before_the_clock_runs_out(report):
    case = report()

    assert worker.escalate_due(now=T0 + timedelta(hours=1, minutes=59)) == 0
    case.refresh_from_db()
    assert case.level == 0


def test_worker_accepted_case_escalates_only_when_resolution_is_missed(report, world):
    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(minutes=5))

    assert worker.escalate_due(now=T0 + timedelta(days=6)) == 0
    assert worker.escalate_due(now=T0 + timedelta(days=7, minutes=1)) == 1
    case.refresh_from_db()
    assert case.events.get(action=Action.ESCALATE).data["missed"] == "resolution"


def test_worker_escalation_notifies_the_new_level(report, world):
    from cases.models import Notification

    case = report()
    worker.escalate_due(now=T0 + timedelta(hours=3))
    worker.fan_out_due(now=T0 + timedelta(hours=3))

    event = case.events.get(action=Action.ESCALATE)
    notified = set(
        Notification.objects.filter(event=event).values_list("user__username", flat=True)
    )
    assert "wanggeyuan" in notified


def test_worker_auto_closes_unrated_resolved_cases(report, world):
    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0)
    services.case_resolve(case=case, actor=world.manager, note="好了", now=T0 + timedelta(hours=1))

    assert worker.auto_close_due(now=T0 + timedelta(days=6)) == 0
    assert worker.auto_close_due(now=T0 + timedelta(days=7, hours=2)) == 1
    case.refresh_from_db()
    assert (case.status, case.auto_closed) == (Status.CLOSED, True)
    assert worker.auto_close_due(now=T0 + timedelta(days=8)) == 0


def test_worker_delivers_outbox_after_a_crash_between_commit_and_send(report, world):
    report()  # committed with its fan-out row; nothing was sent yet (as if the process died)
    assert list(OutboxMessage.objects.values_list("channel", "state")) == [("fanout", "pending")]

    assert worker.deliver_outbox(now=T0 + timedelta(seconds=1)) == 0  # not a message to send
    assert worker.fan_out_due(now=T0 + timedelta(seconds=1)) == 1
    pending = OutboxMessage.objects.filter(state="pending").count()
    delivered = worker.deliver_outbox(now=T0 + timedelta(seconds=1))

    assert delivered == pending > 0
    assert SmsMessage.objects.filter(mobile=world.R1.mobile).count() == 1
    assert worker.deliver_outbox(now=T0 + timedelta(seconds=2)) == 0


class Killed(BaseException):
    """What a worker killed mid-transaction leaves: nothing it wrote since it began (the
    database rolls the transaction back), and no handler of ours runs."""


def test_a_worker_killed_between_the_case_and_its_fan_out_loses_nothing_and_repeats_nothing(
    report, world
):
    from cases import hooks
    from cases.models import Notification

    case = report()
    services.case_accept(case=case, actor=world.manager, now=T0 + timedelta(minutes=5))

    def dies(*, pairs):
        raise Killed

    hooks.CASE_EVENTS.append(dies)  # dies after the notifications, before marking them done
    try:
        with pytest.raises(Killed):
            worker.fan_out_due(now=T0 + timedelta(minutes=6))
    finally:
        hooks.CASE_EVENTS.remove(dies)
    assert not Notification.objects.exists()
    assert OutboxMessage.objects.filter(channel="fanout", state="pending").count() == 2

    assert worker.fan_out_due(now=T0 + timedelta(minutes=7)) == 2  # the next worker
    assert worker.fan_out_due(now=T0 + timedelta(minutes=8)) == 0
    texts = Notification.objects.filter(user=world.resident_user).values_list("text", flat=True)
    assert list(texts.order_by("pk")) == [
        f"{case.tracking_no} 公共区域保洁：已提交",
        f"{case.tracking_no} 公共区域保洁：已受理（签收）",
    ]
    to_resident = OutboxMessage.objects.filter(channel="sms", recipient=world.R1.mobile)
    assert to_resident.count() == 2


def test_an_event_that_fails_to_fan_out_is_retried_and_holds_its_cases_later_events(
    report, world, caplog
):
    from cases import hooks
    from cases.models import Notification

    first, other = report(), report(text="3号楼门口路灯不亮了")
    services.case_accept(case=first, actor=world.manager, now=T0 + timedelta(minutes=5))
    broken = {first.events.get(action=Action.SUBMIT).pk}

    def fails(*, pairs):
        if broken & {event.pk for case, event in pairs}:
            raise RuntimeError("receiver table locked")

    hooks.CASE_EVENTS.append(fails)
    try:
        assert worker.fan_out_due(now=T0 + timedelta(minutes=6)) == 1  # the other case's
    finally:
        hooks.CASE_EVENTS.remove(fails)
    told = Notification.objects.filter(user=world.grid_worker)
    assert [n.case_id for n in told] == [other.pk]  # the first's accept waits for its intake
    failed = OutboxMessage.objects.get(channel="fanout", body=first.tracking_no, attempts=1)
    assert failed.last_error == "RuntimeError: receiver table locked"

    assert worker.fan_out_due(now=T0 + timedelta(minutes=6, seconds=59)) == 0  # backoff
    assert worker.fan_out_due(now=T0 + timedelta(minutes=7)) == 2  # in order, once
    to_resident = Notification.objects.filter(user=world.resident_user, case=first)
    texts = to_resident.order_by("pk").values_list("text", flat=True)
    assert [t.rsplit("：", 1)[1] for t in texts] == ["已提交", "已受理（签收）"]


def test_worker_retries_failed_deliveries_with_backoff_then_gives_up(report, monkeypatch, settings):
    class Broken:
        def send(self, message):
            raise DeliveryFailed("gateway down")

    settings.OUTBOX_MAX_ATTEMPTS = 3
    monkeypatch.setitem(CHANNELS, "sms", Broken())
    report()
    worker.fan_out_due(now=T0)
    message = OutboxMessage.objects.get(channel="sms")

    worker.deliver_outbox(now=T0)
    message.refresh_from_db()
    assert (message.attempts, message.state, message.next_attempt_at) == (
        1,
        "pending",
        T0 + timedelta(minutes=1),
    )
    worker.deliver_outbox(now=T0 + timedelta(seconds=30))  # not due yet
    message.refresh_from_db()
    assert message.attempts == 1
    worker.deliver_outbox(now=T0 + timedelta(minutes=1))
    worker.deliver_outbox(now=T0 + timedelta(minutes=3))
    message.refresh_from_db()
    assert (message.attempts, message.state, message.last_error) == (3, "dead", "gateway down")


def test_worker_recomputes_provisional_deadlines_when_the_year_is_entered(report):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from catalog.services import calendar_year_enter

    start = datetime(2026, 12, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    case = report(code=_complex_item_code(), now=start)
    assert case.deadlines_provisional is False or case.resolution_due.year == 2027

    case.deadlines_provisional = True
    case.save(update_fields=["deadlines_provisional"])
    calendar_year_enter(year=2027, days={date(2027, 1, 1): (False, "元旦")}, source="test")

    assert worker.recompute_provisional(now=start) == 1
    case.refresh_from_db()
    assert case.deadlines_provisional is False
    assert worker.recompute_provisional(now=start) == 0


def _complex_item_code():
    from catalog.models import Item

    return Item.objects.filter(sla__code="complex", kind="appeal").first().code


def test_worker_command_once(report, capsys):
    report()
    call_command("worker", "--once")

    assert "delivered=" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks with SKIP LOCKED")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_escalate_each_case_exactly_once(report):
    cases = [report(now=T0 + timedelta(seconds=n)) for n in range(30)]
    later = T0 + timedelta(hours=3)
    results = []

    def run():
        from django.db import connections

        results.append(worker.escalate_due(now=later))
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 30
    assert all(_escalations(c) == 1 for c in cases)


def _refuse_updates(table: str, *, row_id: int | None = None) -> None:
    """Make the database refuse updates of a table (or of one row), as a full disk or a broken
    constraint would: a real error from the database, not from our code."""
    when = f"OLD.id = {row_id}" if row_id else "1 = 1"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({when}) EXECUTE FUNCTION refuse()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse BEFORE UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({when}) BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )


def _allow_updates(table: str) -> None:
    with connection.cursor() as cursor:
        on = f" ON {table}" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER refuse{on}")


def test_a_case_that_cannot_escalate_does_not_hold_the_ladder(report, caplog):
    cases = [report(now=T0 + timedelta(seconds=n)) for n in range(3)]
    _refuse_updates("cases_case", row_id=cases[1].pk)

    assert worker.escalate_due(now=T0 + timedelta(hours=3)) == 2

    assert [_escalations(c) for c in cases] == [1, 0, 1]
    cases[1].refresh_from_db()
    assert (cases[1].level, cases[1].next_escalation_at) == (0, T0 + timedelta(hours=2, seconds=1))
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "escalation batch failed; escalating its cases one by one",
        f"case {cases[1].tracking_no} not escalated",
    ]


def test_a_resolved_case_that_cannot_close_does_not_hold_the_others(report, world, caplog):
    cases = [report(now=T0 + timedelta(seconds=n)) for n in range(2)]
    for case in cases:
        services.case_accept(case=case, actor=world.manager, now=T0)
        services.case_resolve(case=case, actor=world.manager, note="好了", now=T0)
    _refuse_updates("cases_case", row_id=cases[0].pk)

    assert worker.auto_close_due(now=T0 + timedelta(days=8)) == 1

    assert [Case.objects.get(pk=c.pk).status for c in cases] == [Status.RESOLVED, Status.CLOSED]
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage() == f"skipped {cases[0]} after an unexpected error"


def test_a_sweep_that_fails_is_logged_and_reported_and_the_others_still_run(report, caplog):
    from core.models import RateCounter

    case = report()
    RateCounter.objects.create(name="otp-send:13800000000", window_end=T0.timestamp(), hits=1)
    _refuse_updates("cases_outboxmessage")  # no event can be marked fanned out
    later = T0 + timedelta(hours=3)

    counts = worker.run_once(now=later)

    assert counts == {
        "escalated": 1,
        "auto_closed": 0,
        "recomputed": 0,
        "fanned_out": 0,
        "care_alerts": 0,
        "reminded": 0,
        "delivered": 0,
        "retrained": 0,
        "anonymised": 0,
        "care_anonymised": 0,
        "import_files_purged": 0,
        "messages_purged": 0,
        "rate_counters_purged": 1,
        "failed_sweeps": 1,
    }
    assert _escalations(case) == 1
    [failed] = [r for r in caplog.records if r.getMessage().startswith("sweep ")]
    assert (failed.name, failed.getMessage()) == ("hgj.worker", "sweep fanned_out failed")
    assert "disk full" in failed.exc_text

    _allow_updates("cases_outboxmessage")
    counts = worker.run_once(now=later)
    assert counts["fanned_out"] == 2  # the intake's and the escalation's
    assert counts["delivered"] == OutboxMessage.objects.filter(state="sent").count() - 2
    assert OutboxMessage.objects.filter(state="pending").count() == 0


def test_a_round_runs_the_clocks_then_the_notices_then_delivers_them_then_the_rest(report):
    report()

    counts = worker.run_once(now=T0 + timedelta(hours=3))

    assert list(counts) == [
        *("escalated", "auto_closed", "recomputed"),  # cases, on their clocks
        "fanned_out",  # the round's events and those since the last: who hears of them
        *("reminded", "care_alerts"),  # engagement's and care's notices, to the outbox
        "delivered",  # every notice of the round, the escalation's too
        "retrained",  # triage
        *("anonymised", "messages_purged", "rate_counters_purged", "care_anonymised"),
        "import_files_purged",  # connected systems: uploaded files nobody imported
        "failed_sweeps",
    ]
    assert OutboxMessage.objects.filter(state="pending").count() == 0


def test_the_worker_command_survives_a_failing_sweep(report, capsys):
    report()
    _refuse_updates("cases_outboxmessage")

    call_command("worker", "--once")

    assert {"delivered=0", "failed_sweeps=1"} <= set(capsys.readouterr().out.split())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_each_event_to_fan_out_probes_its_case_queue_and_scans_no_backlog(report):
    """Whether an earlier event of the case is unsent is one index probe: with a partial
    index SQLite scanned every unsent message for each candidate (a 12345 file's 9,000
    events took minutes to fan out)."""
    report()
    plan = worker.fan_out_queue(now=T0)[:200].explain()

    [subquery] = [line for line in plan.splitlines() if " U0 " in line]
    assert "USING INDEX outbox_queue_order (queue=? AND id<?)" in subquery, plan
