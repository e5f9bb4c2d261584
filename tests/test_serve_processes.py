"""``zhili serve --workers 2`` behaves as a process tree (issue 16 #14, issue 18): when its parent is
killed with ``kill -9`` no worker keeps serving, and a restart on the same port answers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from conftest import seeded_database  # type: ignore[import-not-found]
from support import server

GONE_WITHIN_S = 20.0
READY_CALLS = 20


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(c) for c in (task / "children").read_text().split())
    return found


def _workers(parent: int) -> set[int]:
    """uvicorn's workers: the parent's children started by multiprocessing's spawn."""
    return {
        pid
        for pid in _children(parent)
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    }


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie no longer runs (nobody reaped it yet)


def _started(log: Path) -> int:
    return log.read_text(errors="replace").count("Application startup complete")


def _metrics_add_up_across_workers(base: str, folder: Path, workers: set[int]) -> None:
    """Under several workers each writes its metric files, and any of them answers with the sum."""
    for _ in range(READY_CALLS):
        assert httpx.get(base + "/readyz", timeout=30).status_code == 200
    count = 'zhili_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"}'
    for _ in range(4):
        scraped = httpx.get(base + "/metrics", timeout=30)
        assert scraped.status_code == 200
        line = next(x for x in scraped.text.splitlines() if x.startswith(count))
        assert float(line.rsplit(" ", 1)[1]) == READY_CALLS
    files = {p.name for p in folder.glob("*.db")}
    assert any(str(w) in name for w in workers for name in files), files


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    db = seeded_database("sqlite", tmp_path)
    url = db.url
    db.dispose()
    return url


def test_kill_9_of_the_parent_leaves_no_worker_serving_and_the_port_free(
    sqlite_url: str, tmp_path: Path
) -> None:
    port = server.free_port()
    base = f"http://127.0.0.1:{port}"
    env = server.server_env(sqlite_url, tmp_path / "data")
    log = tmp_path / "first.log"
    first = server.start(env, port, "--workers", "2", log=log)
    try:
        took = server.wait_healthy(first, base)
        deadline = time.monotonic() + server.START_TIMEOUT_S
        while _started(log) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = _workers(first.pid)
        print(f"two workers up in {took:.1f} s (first answer); worker pids {sorted(workers)}")
        assert len(workers) == 2, log.read_text()
        _metrics_add_up_across_workers(base, tmp_path / "data" / f"metrics-{port}", workers)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        deadline = time.monotonic() + GONE_WITHIN_S
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), "orphan workers are still running"
        assert server.answers(base) is None
    finally:
        for pid in _workers(first.pid) if first.poll() is None else set():
            os.kill(pid, signal.SIGKILL)
        server.stop(first)

    second = server.start(env, port, "--workers", "2", log=tmp_path / "second.log")
    try:
        server.wait_healthy(second, base)
        assert server.answers(base) == 200
    finally:
        server.stop(second)
    assert "address already in use" not in (tmp_path / "second.log").read_text().lower()
