"""The city hotline as the outside world it is: a real HTTP server on loopback that checks the
signature of everything we send, keeps what arrives in order, answers return and extension
requests and follow-ups through our answers endpoint, and can go down for a while."""

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from cases.services import case_submit
from catalog.models import Item
from connect import services
from connect.models import ExternalOrder
from triage.tests.conftest import _trained_rows, trained  # noqa: F401  (the model, for triage)


class FakeHotline:
    """What it was sent (`received`: each accepted message's body, in arrival order), what it
    refused (`refused`: bad signatures, answered 401; `failed`: answered 503 while failing),
    and the answers it means to send back (`answers`, posted by `send_answers`)."""

    def __init__(self):
        self.keys: dict[str, str] = {}  # key id → secret, as the hotline was told them
        self.received: list[dict] = []
        self.refused: list[dict] = []
        self.failed: list[dict] = []
        self.mode = "up"  # "up", "503" (answers Service Unavailable) or down (see go_down)
        self.rulings = {"return_request": True, "extension_request": True}
        # Its follow-up call on a resolved order: number → (rating, solved, redo time limit).
        self.follow_ups: dict[str, tuple] = {}
        self.answers: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        # The message of this event id waits for `release` before it is answered (a slow
        # answer: its worker is still sending it), and says so on `in_flight`.
        self.hold: int | None = None
        self.in_flight = threading.Event()
        self.release = threading.Event()
        self.port = 0
        self._serve()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/12345/feedback"

    def _serve(self) -> None:
        fake_hotline = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = fake_hotline.take(self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self, headers, raw: bytes) -> int:
        message = json.loads(raw)
        if message.get("event_id") == self.hold:
            self.in_flight.set()
            self.release.wait(timeout=15)
        with self.lock:
            if not self.signed(headers, raw):
                self.refused.append(message)
                return 401
            if self.mode == "503":
                self.failed.append(message)
                return 503
            self.received.append(message)
            self._answer(message)
        return 200

    def signed(self, headers, raw: bytes) -> bool:
        """As a receiver checks us: a known key id, a recent timestamp, the HMAC-SHA256 of
        the timestamp, a dot and the body."""
        secret = self.keys.get(headers.get("X-Hgj-Key-Id", ""))
        timestamp = headers.get("X-Hgj-Timestamp", "")
        if secret is None or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
            return False
        expected = hmac.new(
            secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, headers.get("X-Hgj-Signature", ""))

    def _answer(self, message: dict) -> None:
        """The hotline rules on what is asked of it: its answers are sent later, as a hotline
        works through its queue."""
        kind, number = message.get("type"), message.get("order_number")
        if kind == "return_request":
            path, extra = "return", {"approved": self.rulings[kind]}
        elif kind == "extension_request":
            path, extra = "extension", {"approved": self.rulings[kind]}
        elif kind == "resolved" and number in self.follow_ups:
            rating, solved, new_due = self.follow_ups.pop(number)
            path, extra = "follow-up", {"rating": rating, "solved": solved, "new_due": new_due}
        else:
            return
        answer = {"answer_id": f"A-{message['event_id']}", "order_number": message["order_number"]}
        self.answers.append((path, answer | extra))

    def go_down(self) -> None:
        """Connections are refused until `come_back`."""
        self.server.shutdown()
        self.server.server_close()

    def come_back(self) -> None:
        self.mode = "up"
        self._serve()

    def send_answers(self, base_url: str, key: str) -> list[tuple[int, dict]]:
        """Post every answer to our answers endpoint over HTTP, as the hotline does; the
        status and body of each reply."""
        answers, self.answers = self.answers, []
        return [
            self._post(f"{base_url}/api/v1/connect/answers/{path}", key, payload)
            for path, payload in answers
        ]

    @staticmethod
    def _post(url: str, key: str, payload: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    def of_order(self, number: str) -> list[str]:
        return [m["type"] for m in self.received if m.get("order_number") == number]


@pytest.fixture
def fake_hotline():
    fake = FakeHotline()
    yield fake
    fake.release.set()
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def system(world, fake_hotline):
    """The city hotline, registered with its endpoint, filing into 方城路社区."""
    system, key = services.system_create(
        name="12345热线", kind="hotline", community=world.C1, endpoint_url=fake_hotline.url
    )
    system.key = key
    fake_hotline.keys[system.secret_id] = system.signing_secret
    return system


@pytest.fixture
def hotline_order(world, catalogue, system):
    """An order of the hotline and the case it became (in 方城路小区 1号楼, company P1), as the
    inbound side files it."""

    def _order(number="12345-20261125-0001", *, now=None, text="楼道里堆满了杂物，影响通行"):
        now = now or timezone.now()
        case = case_submit(
            item=Item.objects.get(code="RB01"),
            description=text,
            channel="hotline",
            created_by=system.user,
            estate=world.E1,
            building=world.B1,
            contact_name="市民",
            contact_mobile="13905329999",
            idempotency_key=number,
            now=now,
        )
        ExternalOrder.objects.create(
            system=system,
            number=number,
            case=case,
            state=ExternalOrder.State.FILED,
            source=ExternalOrder.Source.API,
            order_type=ExternalOrder.OrderType.COMPLAINT,
            content=text,
            sign_by=case.response_due,
            answer_by=case.resolution_due,
            received_at=now,
        )
        return case

    return _order


@pytest.fixture
def hotline(world, catalogue):
    """The city hotline, filing into 方城路社区 (C1); its key is `hotline.key`."""
    system, key = services.system_create(name="12345 市民热线", kind="hotline", community=world.C1)
    system.key = key
    return system


@pytest.fixture
def company_app(world, catalogue):
    """方圆物业's own app, filing for its estates (E1 in C1, E3 in C2)."""
    system, key = services.system_create(name="住这儿", kind="property_system", company=world.P1)
    system.key = key
    return system
