"""How a request to the SMS gateway is signed, and how a gateway checks it.

``X-Zhili-Timestamp`` is the Unix time of sending; ``X-Zhili-Signature`` is
``hex(HMAC-SHA256(secret, timestamp + "." + body))`` over the exact bytes of the JSON body. A gateway
recomputes it with the shared secret and refuses a mismatch, or a timestamp too far from its clock
(a replay).
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Zhili-Timestamp"
SIGNATURE_HEADER = "X-Zhili-Signature"
MAX_SKEW_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, given: str, now: float, max_skew: int = MAX_SKEW_SECONDS
) -> bool:
    """What a gateway does: the signature matches, and the timestamp is recent."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > max_skew:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
