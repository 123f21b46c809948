"""How everything we send to another system is signed, so it can tell our messages from
anyone else's: HMAC-SHA256 with the shared secret over the timestamp, a dot and the body as
sent, hex-encoded. The key id names which secret, so a secret can be replaced while messages
signed with the old one are still arriving."""

import hashlib
import hmac
from datetime import datetime

KEY_ID = "X-Hgj-Key-Id"
TIMESTAMP = "X-Hgj-Timestamp"
SIGNATURE = "X-Hgj-Signature"


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(*, key_id: str, secret: str, body: bytes, now: datetime) -> dict[str, str]:
    """The headers of one attempt: the timestamp (Unix seconds) is the attempt's own, so a
    receiver may refuse old ones; the body, and so the event id in it, is the same on every
    attempt."""
    timestamp = str(int(now.timestamp()))
    return {
        KEY_ID: key_id,
        TIMESTAMP: timestamp,
        SIGNATURE: signature(secret=secret, timestamp=timestamp, body=body),
    }
