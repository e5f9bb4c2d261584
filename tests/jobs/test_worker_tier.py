"""The worker tier on PostgreSQL, with real processes: 2 app servers (``zhili serve``) and 2 workers
(``zhili worker``) on one database.

- Each periodic job runs exactly once per period: one job per tick, and each started once.
- An intake answered by a server is triaged by a worker (the server hands its triage over).
- A worker killed with SIGKILL in the middle of a (slow probe) job: another worker runs it again.

Periods are short through the settings (3 s; heartbeat every 2 s). Waits are bounded guards, never
timed assertions.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from support.accounts import issue_key
from support.cases import CASE_BODY
from zhili.auth.models import Role
from zhili.db import Database
from zhili.jobs.health import last_heartbeat, worker_ready
from zhili.jobs.queue import build_queue
from zhili.settings import Settings

SRC = Path(__file__).resolve().parents[2] / "src"
GUARD_S = 120.0  # the most any wait below may take before the test fails
PERIOD_S = 3  # ZHILI_SWEEP_INTERVAL_MINUTES=0.05 and ZHILI_ANALYTICS_SYNC_MINUTES=0.05
PERIODIC = ("deadline_sweep", "analytics_sync")
TICKS_WANTED = 5
HEARTBEAT_S = 2  # a worker silent for 6 s is taken as gone


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + GUARD_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


class Fleet:
    """Subprocesses of zhili on one database; every one is stopped at the end."""

    def __init__(self, db: Database, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "ZHILI_ENVIRONMENT": "test",
            "ZHILI_DATABASE_URL": db.url,
            "ZHILI_DATA_DIR": str(folder),
            "ZHILI_SECRET_KEY": "worker-tier-" + "x" * 32,
            "ZHILI_JOBS": "queue",
            "ZHILI_SWEEP_INTERVAL_MINUTES": str(PERIOD_S / 60),
            "ZHILI_ANALYTICS_SYNC_MINUTES": str(PERIOD_S / 60),
            "ZHILI_JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT_S),
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "zhili.cli", *args], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def server(self, name: str) -> str:
        port = _free_port()
        self.start(name, "serve", "--port", str(port), "--no-access-log")
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_until(up, f"{name} to answer")
        return base

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("*.log")))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def fleet(queue_db: Database, tmp_path: Path) -> Iterator[Fleet]:
    running = Fleet(queue_db, tmp_path)
    try:
        yield running
    finally:
        running.stop()


def _rows(db: Database, sql: str, **params: object) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def _succeeded_ticks(db: Database, task: str) -> int:
    sql = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :task AND status = 'succeeded'"
    return int(_rows(db, sql, task=task)[0][0])  # type: ignore[call-overload]


def test_two_servers_and_two_workers_run_each_periodic_job_once_per_period(
    queue_db: Database, fleet: Fleet
) -> None:
    servers = [fleet.server("server-a"), fleet.server("server-b")]
    fleet.start("worker-a", "worker")
    fleet.start("worker-b", "worker")
    live = "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '6 seconds'"
    _wait_until(lambda: _rows(queue_db, live)[0][0] == 2, "both workers to beat")
    try:
        _wait_until(
            lambda: all(_succeeded_ticks(queue_db, t) >= TICKS_WANTED for t in PERIODIC),
            f"{TICKS_WANTED} periods of each job",
        )
    except AssertionError:
        raise AssertionError(fleet.logs()) from None
    assert all(httpx.get(f"{base}/healthz").status_code == 200 for base in servers)
    _an_intake_is_triaged_by_a_worker(queue_db, servers[0], fleet)
    on_queue = Settings(
        environment="test", database_url=queue_db.url, jobs="queue", jobs_heartbeat_seconds=HEARTBEAT_S
    )
    assert last_heartbeat(queue_db) is not None
    assert worker_ready(queue_db, on_queue)[0] is True  # readiness and `zhili doctor` see the workers
    fleet.stop()

    assert last_heartbeat(queue_db) is None  # workers that stop say so: no heartbeat is left behind
    assert worker_ready(queue_db, on_queue) == (False, "没有任务进程的心跳：请启动 zhili worker")
    for task in PERIODIC:
        per_tick = _rows(
            queue_db,
            "SELECT (args->>'timestamp')::bigint, count(*), min(status::text) FROM procrastinate_jobs "
            "WHERE task_name = :task GROUP BY 1 ORDER BY 1",
            task=task,
        )
        ticks = [int(tick) for tick, _, _ in per_tick]  # type: ignore[call-overload]
        assert [count for _, count, _ in per_tick] == [1] * len(per_tick), f"{task}: a tick ran twice"
        # Ticks are the period's (a tick is skipped, by design, only while a run of it already waits).
        assert all(tick % PERIOD_S == 0 for tick in ticks) and ticks == sorted(set(ticks))
        started = _rows(
            queue_db,
            "SELECT j.id, count(e.id) FROM procrastinate_jobs j JOIN procrastinate_events e "
            "ON e.job_id = j.id AND e.type = 'started' WHERE j.task_name = :task AND j.status = 'succeeded' "
            "GROUP BY j.id",
            task=task,
        )
        assert len(started) >= TICKS_WANTED and {n for _, n in started} == {1}, f"{task} started twice"


def _an_intake_is_triaged_by_a_worker(db: Database, base: str, fleet: Fleet) -> None:
    """The server answers the intake and hands its triage to the workers: a run of ``intake_triage``
    deferred without a tick (the periodic runs carry one) triages the case."""
    with db.session() as session:
        key = issue_key(session, "tier_op", Role.operator, "C11")
    answer = httpx.post(f"{base}/api/cases", json=CASE_BODY, headers={"X-API-Key": key}, timeout=30)
    assert answer.status_code == 201, answer.text
    code = answer.json()["code"]
    triaged = (
        "SELECT count(*) FROM triage_recommendations r JOIN cases c ON c.id = r.case_id WHERE c.code = :code"
    )
    try:
        _wait_until(lambda: _rows(db, triaged, code=code)[0][0] == 1, "a worker to triage the intake")
    except AssertionError:
        raise AssertionError(fleet.logs()) from None
    assert _rows(db, "SELECT count(*) FROM triage_pending")[0][0] == 0
    handed = _rows(
        db,
        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'intake_triage' AND args = '{}'::jsonb "
        "AND status = 'succeeded'",
    )
    assert handed[0][0] >= 1


def test_a_killed_workers_job_is_finished_by_the_other(queue_db: Database, fleet: Fleet) -> None:
    first = fleet.start("worker-first", "worker")
    settings = Settings(
        environment="test", database_url=queue_db.url, jobs="queue", secret_key="worker-tier-" + "x" * 32
    )
    queue = build_queue(settings)
    with queue.open():
        job_id = queue.tasks["probe"].defer(seconds=8.0)

    def status() -> tuple[str, int | None, int]:
        [(state, worker, attempts)] = _rows(
            queue_db,
            "SELECT status::text, worker_id, attempts FROM procrastinate_jobs WHERE id = :id",
            id=job_id,
        )
        return str(state), worker, int(attempts)  # type: ignore[return-value,call-overload]

    _wait_until(lambda: status()[0] == "doing", "the first worker to take the slow job")
    killed_worker = status()[1]
    # The kill also catches the worker in the middle of a run of retry_stalled_jobs itself (as it
    # once did by chance): that run, left "doing", must not keep the stalled jobs from being put back.
    with queue_db.engine.begin() as conn:
        own_run = conn.execute(
            text(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status, worker_id) "
                "VALUES ('default', 'retry_stalled_jobs', 'retry_stalled_jobs', '{\"timestamp\": 0}', "
                "'doing', :worker) RETURNING id"
            ),
            {"worker": killed_worker},
        ).scalar_one()
    first.send_signal(signal.SIGKILL)  # in the middle of the job: no clean-up at all
    first.wait()
    assert status()[0] == "doing"  # nobody told the queue
    fleet.start("worker-second", "worker")
    try:
        _wait_until(lambda: status()[0] == "succeeded", "the second worker to finish the job")
    except AssertionError:
        raise AssertionError(fleet.logs()) from None
    _, finisher, attempts = status()
    assert attempts == 2 and finisher != killed_worker  # the killed run, then the finished one
    [(own_state,)] = _rows(queue_db, "SELECT status::text FROM procrastinate_jobs WHERE id = :id", id=own_run)
    assert own_state != "doing"  # put back (or closed) like any other job of the killed worker
    events = _rows(
        queue_db, "SELECT type::text FROM procrastinate_events WHERE job_id = :id ORDER BY id", id=job_id
    )
    assert [e for (e,) in events].count("started") == 2

    # `zhili jobs probe` sees the worker tier at work, end to end.
    probe = subprocess.run(
        [sys.executable, "-m", "zhili.cli", "jobs", "probe", "--timeout", str(GUARD_S)],
        env=fleet.env,
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0 and "已由任务进程完成" in probe.stdout, probe.stdout + probe.stderr


def test_the_worker_refuses_to_start_without_the_queue(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "ZHILI_DATA_DIR": str(tmp_path), "ZHILI_JOBS": "inline"}
    env.pop("ZHILI_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "zhili.cli", "worker"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and "ZHILI_JOBS=queue" in done.stderr


def test_without_the_queue_the_server_runs_the_jobs_and_is_ready(tmp_path: Path) -> None:
    sqlite = Database(f"sqlite:///{tmp_path / 'zhili.sqlite3'}")
    try:
        assert last_heartbeat(sqlite) is None
        ready, why = worker_ready(sqlite, Settings(environment="test", data_dir=tmp_path))
        assert ready and "ZHILI_JOBS=inline" in why
    finally:
        sqlite.dispose()
