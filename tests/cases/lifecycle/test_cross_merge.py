"""Issue 16 item 13: a cross merge, A into B at the same moment as B into A, deadlocked on PostgreSQL
and answered 500 instead of 409 (6 of 20 pairs). Each merge locked its own case first and the other
one second, in opposite orders.

Now a merge locks both cases in a stable order (by id) before it reads either, so the second merge
waits for the first and then finds its case or its target already merged: exactly one merge of each
pair wins, the other is a 409, and nothing answers 500. Cross links (关联) lock the same way. Run on
both backends.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from support.cases import client_for, intake
from zhili.app import create_app
from zhili.db import Database
from zhili.settings import Settings

PAIRS = 20


@pytest.mark.parametrize("action", ["merge", "link"])
def test_cross_merges_never_deadlock_and_one_of_each_pair_wins(
    committed_database: Database, settings: Settings, action: str
) -> None:
    app = create_app(settings, database=committed_database)
    operator = client_for(app, "operator")
    one, other = client_for(app, "dispatcher"), client_for(app, "dispatcher")
    outcomes: Counter[tuple[int | str, ...]] = Counter()
    for i in range(PAIRS):
        a, b = intake(operator, title=f"交叉合并甲{i}"), intake(operator, title=f"交叉合并乙{i}")
        barrier = threading.Barrier(2)

        def side(client: TestClient, code: str, into: str, barrier: threading.Barrier = barrier) -> int | str:
            barrier.wait()
            try:
                return int(client.post(f"/api/cases/{code}/{action}", json={"target": into}).status_code)
            except Exception as exc:  # a server error re-raised by the test client
                return type(exc).__name__

        with ThreadPoolExecutor(max_workers=2) as pool:
            results: list[Any] = list(pool.map(side, (one, other), (a, b), (b, a)))
        outcomes[tuple(sorted(results, key=str))] += 1
        states = {operator.get(f"/api/cases/{code}").json()["state"] for code in (a, b)}
        if action == "merge":
            assert "merged" in states and len(states) == 2, (a, b, states)  # one merged into the other
    assert outcomes == Counter({(200, 409): PAIRS}), outcomes


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("driver_error", "status"),
    [
        (_DriverError("deadlock detected", "40P01"), 409),
        (_DriverError("could not serialize access", "40001"), 409),
        (_DriverError("database is locked"), 503),
        (_DriverError("disk I/O error"), 500),
    ],
)
def test_a_lost_race_anywhere_is_a_409_not_a_500(
    settings: Settings, driver_error: Exception, status: int
) -> None:
    """The safety net behind the ordered locks: whatever deadlock the database breaks is a 409."""
    from sqlalchemy.exc import OperationalError

    app = create_app(settings, database=Database("sqlite://"))

    @app.get("/api/test-race")
    def race() -> None:
        raise OperationalError("UPDATE cases ...", {}, driver_error)

    answer = TestClient(app, raise_server_exceptions=False).get("/api/test-race")
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == {409: "conflict", 503: "busy", 500: "internal_error"}[status]
