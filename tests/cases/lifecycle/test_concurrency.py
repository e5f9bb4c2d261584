"""Two concurrent actions on one case cannot both succeed: the loser gets 409.

These tests commit to a database of their own (``committed_database``, no enclosing transaction), so
that two requests really run side by side in two threads, each in its own transaction.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from support.cases import CHAOYANG_CGW, WANGJING, client_for, intake
from zhili.app import create_app
from zhili.db import Database
from zhili.settings import Settings


def test_concurrent_dispatches_one_wins(committed_database: Database, settings: Settings) -> None:
    app = create_app(settings, database=committed_database)
    operator = client_for(app, "operator")
    a, b = client_for(app, "dispatcher"), client_for(app, "dispatcher")
    for _ in range(8):
        code = intake(operator)

        def dispatch(client: Any, unit: str, code: str = code) -> int:
            return int(client.post(f"/api/cases/{code}/dispatch", json={"lead_unit": unit}).status_code)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = sorted(pool.map(dispatch, (a, b), (WANGJING, CHAOYANG_CGW)))
        assert results == [200, 409], results
        case = operator.get(f"/api/cases/{code}").json()
        assert [e["action"] for e in case["events"]] == ["intake", "dispatch"]
        assert case["version"] == 2  # one step per action


def test_stale_version_from_the_client_is_a_409(committed_database: Database, settings: Settings) -> None:
    app = create_app(settings, database=committed_database)
    operator = client_for(app, "operator")
    dispatcher = client_for(app, "dispatcher")
    code = intake(operator)
    seen = operator.get(f"/api/cases/{code}").json()["version"]
    operator.post(f"/api/cases/{code}/link", json={"target": intake(operator)})
    stale = dispatcher.post(f"/api/cases/{code}/dispatch", json={"lead_unit": WANGJING, "version": seen})
    assert stale.status_code == 409
    assert "刷新" in stale.json()["error"]["message"]
