"""A WeChat official-account API on loopback, for tests: a real HTTP server speaking the
parts of WeChat's protocol we use.

- `GET /connect/oauth2/authorize` is WeChat's web authorization page. With `snsapi_base` WeChat
  asks nothing and sends the browser back to `redirect_uri` with a one-time `code` and the
  `state`; the code stands for `openid`, the WeChat account on this phone.
- `GET /sns/oauth2/access_token` exchanges a code for the openid (once; then errcode 40163).
- `GET /cgi-bin/token` gives the app's access token; `POST /cgi-bin/message/template/send`
  records a template message (once `expire_next` is set, answers that the token expired; to
  an openid in `refusing`, answers that person's error, e.g. 43101: refuses messages).
"""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

APP_ID, APP_SECRET = "wx1", "s3cret"


class FakeWeChat(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_port}"
        self.openid = "oPHONE"
        self.codes: dict[str, str] = {}
        self.tokens_issued = 0
        self.sent: list = []
        self.expire_next = False
        self.refusing: dict[str, int] = {}

    def start(self) -> "FakeWeChat":
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    server: FakeWeChat

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/connect/oauth2/authorize":
            self._authorize(query)
        elif query.get("appid") != APP_ID or query.get("secret") != APP_SECRET:
            self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
        elif url.path == "/sns/oauth2/access_token":
            openid = self.server.codes.pop(query.get("code", ""), None)
            if openid is None:
                self._json({"errcode": 40163, "errmsg": "code been used or invalid"})
            else:
                self._json(
                    {
                        "access_token": secrets.token_hex(8),
                        "expires_in": 7200,
                        "refresh_token": secrets.token_hex(8),
                        "openid": openid,
                        "scope": "snsapi_base",
                    }
                )
        elif url.path == "/cgi-bin/token":
            self.server.tokens_issued += 1
            self._json({"access_token": f"T{self.server.tokens_issued}", "expires_in": 7200})
        else:
            self.send_error(404)

    def do_POST(self):
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = parse_qs(url.query)["access_token"][0]
        if self.server.expire_next:
            self.server.expire_next = False
            self._json({"errcode": 42001, "errmsg": "access_token expired"})
            return
        if body.get("touser") in self.server.refusing:
            self._json({"errcode": self.server.refusing[body["touser"]], "errmsg": "refused"})
            return
        self.server.sent.append((token, body))
        self._json({"errcode": 0, "errmsg": "ok"})

    def _authorize(self, query):
        if query.get("appid") != APP_ID or query.get("scope") != "snsapi_base":
            self._json({"errcode": 10003, "errmsg": "redirect_uri or appid invalid"})
            return
        code = secrets.token_hex(8)
        self.server.codes[code] = self.server.openid
        back = urlencode({"code": code, "state": query.get("state", "")})
        self.send_response(302)
        self.send_header("Location", f"{query['redirect_uri']}?{back}")
        self.end_headers()

    def _json(self, data):
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass
