"""The Python load generator of ``bench/intake.py`` (and its peer): asyncio over raw keep-alive
sockets, used when ``wrk`` is not installed."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    server_cpu: float = 0.0  # CPU seconds the server processes used during the run
    settle_s: float = 0.0  # after the run, until every intake was triaged (intake runs only)

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.server_cpu / self.requests if self.requests else 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        latency = ""
        if self.p50_ms is not None:
            latency = f"  p50 {self.p50_ms:7.2f} ms  p99 {self.p99_ms:7.2f} ms"
        counts = f"({self.requests:,} requests, {self.errors} errors)"
        cpu = f"  server CPU {self.cpu_ms:.2f} ms/req"
        return f"{self.name:>16}: {self.rps:9,.0f} req/s  {counts}{latency}{cpu}"


def tagged(body: dict[str, object]) -> str:
    """The body as JSON with ``__TAG__`` after the title, replaced per request by a unique tag."""
    return json.dumps({**body, "title": f"{body['title']} __TAG__"}, ensure_ascii=False)


# -- Python fallback: asyncio over raw keep-alive sockets ----------------------------------------------


async def _connection(
    host: str, port: int, make_request: object, stop: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    try:
        while time.perf_counter() < stop:
            n += 1
            payload = make_request(n)  # type: ignore[operator]
            started = time.perf_counter()
            writer.write(payload)
            status_line = await reader.readline()
            length = 0
            while True:
                header = await reader.readline()
                if header in (b"\r\n", b""):
                    break
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":", 1)[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                errors.append(1)
    finally:
        writer.close()


def run_python(
    base: str,
    args: argparse.Namespace,
    name: str,
    key: str | None,
    bodies: list[dict[str, object]] | None = None,
    path: str = "/api/cases",
) -> Result:
    host, port = base.removeprefix("http://").split(":")
    identity = [0]
    templates = [tagged(body) for body in bodies or []]

    def make_post(n: int) -> bytes:
        identity[0] += 1
        body = templates[identity[0] % len(templates)].replace("__TAG__", str(identity[0])).encode()
        extra = f"Idempotency-Key: bench-{identity[0]}\r\n" if args.idempotency else ""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"X-API-Key: {key}\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
        )
        return head.encode() + body

    health = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    def make_get(_n: int) -> bytes:
        return health

    return timed(host, int(port), make_post if key else make_get, args, name)


def timed(host: str, port: int, maker: Callable[[int], bytes], args: argparse.Namespace, name: str) -> Result:
    """``args.connections`` keep-alive connections sending ``maker``'s requests for ``args.duration``."""

    async def main() -> Result:
        latencies: list[float] = []
        errors: list[int] = []
        started = time.perf_counter()
        stop = started + args.duration
        await asyncio.gather(
            *(_connection(host, port, maker, stop, latencies, errors) for _ in range(args.connections))
        )
        seconds = time.perf_counter() - started
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000 if latencies else None
        p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else None
        return Result(name, len(latencies), len(errors), seconds, p50, p99)

    return asyncio.run(main())
