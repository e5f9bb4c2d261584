"""A local SMS gateway for tests: a real HTTP server on 127.0.0.1 that checks each request's signature
as a city's gateway would, keeps what it accepted, and can be told to fail."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from zhili.notifications.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


@dataclass
class Gateway:
    secret: str
    url: str = ""
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused_signatures: int = 0
    failing: bool = False


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            timestamp = self.headers.get(TIMESTAMP_HEADER, "")
            given = self.headers.get(SIGNATURE_HEADER, "")
            if not verify(gateway.secret, timestamp, body, given, now=time.time()):
                gateway.refused_signatures += 1
                self._answer(401, {"error": "bad signature"})
                return
            if gateway.failing:
                self._answer(503, {"error": "unavailable"})
                return
            gateway.accepted.append(json.loads(body))
            self._answer(200, {"id": len(gateway.accepted)})

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_gateway(secret: str) -> Iterator[Gateway]:
    gateway = Gateway(secret=secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
