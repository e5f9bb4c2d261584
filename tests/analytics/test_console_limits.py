"""The SQL console cannot hurt the server: each query runs in a child process with a memory limit,
its answer is capped in bytes as well as rows, and the child is gone once the answer is given."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI

from analytics.handmade import case, write
from support.cases import staff
from zhili.analytics.store import Store
from zhili.settings import Settings

HUGE = "SELECT repeat('x', 1000000) AS s FROM range(1000)"  # 1 GB of text, from issue 16 (#10)
LARGE = "SELECT repeat('x', 100000) AS s FROM range(1000)"  # 100 MB of text


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "children").read_text().split()
        except OSError:  # the thread ended between the listing and the read
            continue
        found.update(int(c) for c in text)
    return {c for c in found if Path(f"/proc/{c}").exists() and _is_console(c)}


def _is_console(pid: int) -> bool:
    try:
        return b"console_child" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.fixture
def data(store: Store) -> None:
    write(store, [case(i, date(2025, 10, 1 + i % 28)) for i in range(1, 11)])


def test_a_gigabyte_query_is_refused_and_the_server_does_not_grow(app: FastAPI, data: None) -> None:
    client = staff(app).dispatcher
    before = _rss_kb(os.getpid())
    response = client.post("/api/analytics/sql", json={"sql": HUGE})
    after = _rss_kb(os.getpid())
    print(
        f"server RSS before {before / 1024:.0f} MB, after {after / 1024:.0f} MB; "
        f"answer {len(response.content)} B"
    )
    assert response.status_code == 422, response.text
    assert len(response.content) < 4096
    error = response.json()["error"]
    assert error["field"] == "sql" and "内存" in error["message"] and "512 MB" in error["message"]
    assert _children(os.getpid()) == set()


def test_a_large_result_is_cut_at_the_byte_cap_and_says_so(
    app: FastAPI, data: None, settings: Settings
) -> None:
    response = staff(app).dispatcher.post("/api/analytics/sql", json={"sql": LARGE})
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    cap = settings.analytics_console_bytes
    assert body["truncated"] is True and body["byte_cap"] == cap
    assert 0 < len(body["rows"]) < 1000
    assert len(response.content) <= cap + 4096
    assert "8 MB" in body["notice"] and "截断" in body["notice"]
    assert f"前 {len(body['rows'])} 行" in body["notice"]
    assert _children(os.getpid()) == set()


def test_a_small_byte_cap_and_the_row_cap_each_cut_and_say_which(
    app: FastAPI, data: None, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"analytics_console_bytes": 2048})
    body = (
        staff(app)
        .dispatcher.post("/api/analytics/sql", json={"sql": "SELECT repeat('y', 100) FROM range(100)"})
        .json()
    )
    assert body["truncated"] is True and 0 < len(body["rows"]) < 20
    assert "2,048 字节" in body["notice"]
    app.state.settings = settings.model_copy(update={"analytics_row_cap": 3})
    body = staff(app).dispatcher.post("/api/analytics/sql", json={"sql": "SELECT * FROM range(10)"}).json()
    assert body["rows"] == [[0], [1], [2]] and body["truncated"] is True
    assert "3 行上限" in body["notice"]
    body = staff(app).dispatcher.post("/api/analytics/sql", json={"sql": "SELECT 1 AS a"}).json()
    assert body["truncated"] is False and body["notice"] is None


def test_a_query_the_child_cannot_finish_in_time_is_killed(
    app: FastAPI, data: None, settings: Settings
) -> None:
    app.state.settings = settings.model_copy(update={"analytics_query_seconds": 0.5})
    response = staff(app).dispatcher.post(
        "/api/analytics/sql", json={"sql": "SELECT count(*) FROM range(100000000000) a, range(1000) b"}
    )
    assert response.status_code == 422 and "时间限制" in response.json()["error"]["message"]
    assert _children(os.getpid()) == set()
