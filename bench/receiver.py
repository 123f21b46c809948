"""A webhook receiver for the benchmark, in a process of its own (so it does not share the
worker's interpreter): `python -m bench.receiver <key id> <secret>` prints its port, checks
every signature as an integrator would, and answers `GET /seen` with what it received: per
tracking number, the event ids in arrival order, and how many signatures were wrong."""

import hashlib
import hmac
import json
import sys
import threading
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY_ID, SECRET = sys.argv[1], sys.argv[2].encode()
seen: dict[str, list[int]] = defaultdict(list)
bad = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global bad
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        signed = self.headers.get("X-Hgj-Timestamp", "").encode() + b"." + raw
        good = self.headers.get("X-Hgj-Key-Id") == KEY_ID and hmac.compare_digest(
            hmac.new(SECRET, signed, hashlib.sha256).hexdigest(),
            self.headers.get("X-Hgj-Signature", ""),
        )
        with lock:
            if good:
                body = json.loads(raw)
                seen[body["tracking_no"]].append(body["event_id"])
            else:
                bad += 1
        self._answer(200 if good else 401, b"")

    def do_GET(self):
        with lock:
            self._answer(200, json.dumps({"seen": seen, "bad_signatures": bad}).encode())

    def _answer(self, status, raw):
        self.send_response(status)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
server.serve_forever()
