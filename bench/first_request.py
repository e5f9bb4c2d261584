"""The first request of a new app process, to one route of each of several routers, with the route
gate (``zhili.route_gate``) and with FastAPI's plain walk of every router in order.

FastAPI builds a router's routes the first time it walks that router. Without the gate, a request to a
router mounted late (调解, 建议, 规划) builds every router before it. Each round makes a fresh app for
every path and for both ways, alternating, and times the first request and then a second one (the
warm floor) in CPU seconds of this process (the app runs in TestClient's thread; CPU time does not
depend on other load). The database is an empty SQLite file: a route answers 401 or 303 without
reading it, after being matched and built. Asserts nothing.

    .venv/bin/python bench/first_request.py --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.routing import _IncludedRouter
from fastapi.testclient import TestClient

from zhili.app import create_app
from zhili.db import Database
from zhili.settings import Settings

PATHS = (
    "/api/cases",  # mounted right after /healthz
    "/work/dispatch",  # the 12345 workbench, mid-way
    "/api/petitions/matters",
    "/api/mediation/committees",
    "/api/suggestions/items",
    "/plan",  # mounted near the end
)


def _ungate(app: Any) -> None:
    for entry in app.router.routes:
        if isinstance(entry, _IncludedRouter):
            entry.__dict__.pop("matches", None)  # back to the class's matches: the plain walk


def _cpu_ms(client: TestClient, path: str) -> float:
    started = time.process_time()
    client.get(path, follow_redirects=False)
    return (time.process_time() - started) * 1000


def one(settings: Settings, db: Database, path: str, *, gated: bool) -> tuple[float, float]:
    app = create_app(settings, database=db)
    if not gated:
        _ungate(app)
    with TestClient(app) as client:
        return _cpu_ms(client, path), _cpu_ms(client, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="zhili-first-request-"))
    settings = Settings(environment="test", data_dir=folder, secret_key="bench-first-" + "x" * 32)
    db = Database(f"sqlite:///{folder / 'empty.sqlite3'}")
    one(settings, db, "/healthz", gated=True)  # imports, templates: paid once, by neither side
    times: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for path in PATHS:
            for gated in (True, False):
                times.setdefault((path, gated), []).append(one(settings, db, path, gated=gated))
    print(f"first request of a new app, CPU ms (median of {args.rounds} rounds)")
    print(f"{'path':30} {'gate: 1st':>10} {'plain: 1st':>11} {'plain/gate':>11} {'warm floor':>11}")
    for path in PATHS:
        gate_first = statistics.median(first for first, _ in times[(path, True)])
        plain_first = statistics.median(first for first, _ in times[(path, False)])
        warm = statistics.median(second for _, second in times[(path, True)] + times[(path, False)])
        print(
            f"{path:30} {gate_first:10.1f} {plain_first:11.1f} {plain_first / gate_first:10.1f}x {warm:11.1f}"
        )
    db.dispose()


if __name__ == "__main__":
    main()
