"""Outbox delivery against real receivers on loopback: whatever a backend does is a failed
attempt, every message carries its id, and a killed worker repeats at most the one in flight."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from cases import worker
from cases.models import OutboxMessage
from cases.tests.conftest import T0

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class Receiver(BaseHTTPRequestHandler):
    """A webhook receiver. `answer` says how it answers: "ok", "500", "garbage" (bytes that are
    not HTTP), "close" (hangs up without a word) or "text" (200 with a body that is not JSON).
    The request numbered `hold` (from 1) waits for `release` before it is answered."""

    answer = "ok"
    received: list = []
    hold = 0
    arrived = threading.Condition()
    release = threading.Event()

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with Receiver.arrived:
            Receiver.received.append((self.headers.get("Idempotency-Key"), payload))
            count = len(Receiver.received)
            Receiver.arrived.notify_all()
        if count == Receiver.hold:
            Receiver.release.wait(timeout=15)
        if Receiver.answer == "garbage":
            self.wfile.write(b"\x00\x01 not http at all\r\n\r\n")
            self.close_connection = True
        elif Receiver.answer == "close":
            self.close_connection = True
        elif Receiver.answer == "text":
            self._answer(200, b"OK")
        elif Receiver.answer == "500":
            self._answer(500, b"{}")
        else:
            self._answer(200, b"{}")

    @classmethod
    def wait_for(cls, count: int) -> bool:
        with cls.arrived:
            return cls.arrived.wait_for(lambda: len(cls.received) >= count, timeout=15)

    def _answer(self, status, raw):
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.answer, Receiver.received, Receiver.hold = "ok", [], 0
    Receiver.release = threading.Event()
    settings.NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield Receiver
    Receiver.release.set()
    server.shutdown()
    server.server_close()


def _outbox(count, *, channel="webhook", at=T0) -> list[OutboxMessage]:
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            channel=channel,
            recipient=f"{n}",
            body=f"FC20261125-{n:04d} 楼道漏水",
            created_at=at,
            next_attempt_at=at,
        )
        for n in range(count)
    )
    return list(OutboxMessage.objects.order_by("pk"))


def _state(message):
    message.refresh_from_db()
    return message.attempts, message.state, message.next_attempt_at, message.last_error


def test_a_webhook_carries_the_message_id_in_its_payload_and_header(receiver):
    [message] = _outbox(1)

    assert worker.deliver_outbox(now=T0) == 1

    assert receiver.received == [
        (
            str(message.pk),
            {"id": message.pk, "recipient": "0", "body": "FC20261125-0000 楼道漏水"},
        )
    ]
    assert _state(message)[:2] == (1, "sent")


def test_a_webhook_that_answers_2xx_without_json_has_the_message(receiver):
    [message] = _outbox(1)
    receiver.answer = "text"

    assert worker.deliver_outbox(now=T0) == 1
    assert _state(message)[:2] == (1, "sent")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("500", "HTTP 500"),
        ("garbage", r"BadStatusLine: \x00\x01 not http at all\r\n"),
        ("close", "RemoteDisconnected: Remote end closed connection without response"),
    ],
)
def test_a_receiver_that_fails_in_any_way_is_retried_with_backoff_then_given_up(
    receiver, settings, caplog, answer, error
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    [message] = _outbox(1)
    receiver.answer = answer

    assert worker.deliver_outbox(now=T0) == 0
    assert _state(message) == (1, "pending", T0 + timedelta(minutes=1), error)
    assert worker.deliver_outbox(now=T0 + timedelta(seconds=59)) == 0  # not due yet
    assert worker.deliver_outbox(now=T0 + timedelta(minutes=1)) == 0
    assert _state(message) == (2, "pending", T0 + timedelta(minutes=3), error)
    assert worker.deliver_outbox(now=T0 + timedelta(minutes=3)) == 0

    assert _state(message)[1:2] == ("dead",)
    assert [key for key, _ in receiver.received] == [str(message.pk)] * 3  # one id throughout
    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "hgj.worker"] == [
        (logging.WARNING, f"outbox message {message.pk}: attempt {n} failed: {error}")
        for n in (1, 2, 3)
    ]


def test_a_webhook_url_that_is_not_a_url_is_a_failed_delivery(settings):
    settings.NOTIFY_WEBHOOK_URL = "hooks.example.org/notify"  # no scheme
    [message] = _outbox(1)

    assert worker.deliver_outbox(now=T0) == 0
    assert _state(message) == (
        1,
        "pending",
        T0 + timedelta(minutes=1),
        "ValueError: unknown url type: 'hooks.example.org/notify'",
    )


class GatewayOnFire:
    """An SMS gateway client whose library raises what it likes."""

    def send(self, *, mobile, body, message_id):
        raise RuntimeError(f"gateway on fire ({mobile})")


class RecordingGateway:
    sent: list = []

    def send(self, *, mobile, body, message_id):
        RecordingGateway.sent.append((mobile, message_id))


def test_an_sms_backend_that_raises_fails_that_delivery_and_the_others_go_out(settings, receiver):
    settings.SMS_BACKEND = "cases.tests.test_delivery.GatewayOnFire"
    text = _outbox(1, channel="sms")[0]
    hook = OutboxMessage.objects.create(
        channel="webhook", recipient="7", body="B", created_at=T0, next_attempt_at=T0
    )

    assert worker.deliver_outbox(now=T0) == 1

    assert _state(text) == (
        1,
        "pending",
        T0 + timedelta(minutes=1),
        "RuntimeError: gateway on fire (0)",
    )
    assert _state(hook)[:2] == (1, "sent")


def test_an_sms_backend_is_given_the_message_id(settings):
    settings.SMS_BACKEND = "cases.tests.test_delivery.RecordingGateway"
    RecordingGateway.sent = []
    first, second = _outbox(2, channel="sms")

    assert worker.deliver_outbox(now=T0) == 2
    assert RecordingGateway.sent == [("0", str(first.pk)), ("1", str(second.pk))]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_each_message_once(receiver):
    messages = _outbox(300)
    results = []

    def run():
        from django.db import connections

        results.append(worker.deliver_outbox(now=timezone.now()))
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 300
    assert Counter(key for key, _ in receiver.received) == {str(m.pk): 1 for m in messages}


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextmanager
def _worker_process(log_path):
    """`manage.py worker` in its own process, on the test database, sending to the receiver."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": _database_url(),
        "STAFF_NOTIFICATION_CHANNEL": "webhook",
        "NOTIFY_WEBHOOK_URL": django_settings.NOTIFY_WEBHOOK_URL,
    }
    with open(log_path, "w+") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            log.seek(0)
            print(log.read())  # shown when the test fails


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_only_the_one_in_flight(
    receiver, tmp_path
):
    messages = _outbox(300, at=timezone.now() - timedelta(minutes=1))
    receiver.hold = 120

    with _worker_process(tmp_path / "worker.log") as process:
        assert receiver.wait_for(120)
        process.send_signal(signal.SIGKILL)  # while the 120th waits for its answer
        process.wait(timeout=10)
    receiver.release.set()

    # A second worker, once the first one's lease has run out.
    worker.deliver_outbox(now=timezone.now() + worker.LEASE)

    in_flight = receiver.received[119][0]
    counts = Counter(key for key, _ in receiver.received)
    assert set(counts) == {str(m.pk) for m in messages}  # nothing lost
    assert {key: n for key, n in counts.items() if n > 1} == {in_flight: 2}
    assert OutboxMessage.objects.filter(state="sent").count() == 300


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server that drops connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_whose_database_connection_is_dropped_reconnects(receiver, tmp_path):
    _outbox(1, at=timezone.now())

    with _worker_process(tmp_path / "worker.log"):
        assert receiver.wait_for(1)
        with connection.cursor() as cursor:  # as a server restart or a fail-over does
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        _outbox(1, at=timezone.now())

        assert receiver.wait_for(2)


def test_a_queue_goes_out_in_order_and_a_message_given_up_on_holds_it_until_retried(
    receiver, settings, admin_client
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    now = timezone.now()
    first, second, other = _outbox(3, at=now)
    OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).update(queue="case-1")
    receiver.answer = "500"

    worker.deliver_outbox(now=now)  # the first of the queue fails for good; the other goes
    worker.deliver_outbox(now=now + timedelta(hours=1))  # later rounds leave the queue alone

    assert [key for key, _ in receiver.received] == [str(first.pk), str(other.pk)]
    assert [_state(m)[:2] for m in (first, second, other)] == [
        (1, "dead"),
        (0, "pending"),  # never sent before the one ahead of it
        (1, "dead"),
    ]

    receiver.answer, receiver.received = "ok", []
    admin_client.post(
        "/admin/cases/outboxmessage/", {"action": "retry", "_selected_action": [first.pk]}
    )
    worker.deliver_outbox(now=timezone.now())

    assert [key for key, _ in receiver.received] == [str(first.pk), str(second.pk)]
