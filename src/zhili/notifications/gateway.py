"""The HTTP SMS gateway backend: one signed JSON POST per message (``zhili.notifications.signing``).

The body is ``{"to": "+86…", "text": "…", "reference": "<case code>"}``. Any 2xx answer means the
gateway took the message; anything else, or no answer within the timeout, raises ``GatewayError``,
whose text names the status or the kind of failure and never the number.
"""

from __future__ import annotations

import json
import time

import httpx

from zhili.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

TIMEOUT_SECONDS = 10.0


class GatewayError(Exception):
    """The gateway did not take the message; the text is safe to store and show."""


class HttpSmsGateway:
    def __init__(self, url: str, secret: str, timeout: float = TIMEOUT_SECONDS) -> None:
        if not url or not secret:
            raise ValueError("the SMS gateway needs a URL and a secret")
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def send_sms(self, to: str, text: str, *, case_code: str) -> None:
        body = json.dumps({"to": to, "text": text, "reference": case_code}, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self.secret, timestamp, body),
        }
        try:
            response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.TimeoutException as exc:
            raise GatewayError("短信网关无响应（超时）") from exc
        except httpx.HTTPError as exc:
            raise GatewayError(f"无法连接短信网关（{type(exc).__name__}）") from exc
        if not 200 <= response.status_code < 300:
            raise GatewayError(f"短信网关拒绝（HTTP {response.status_code}）")
