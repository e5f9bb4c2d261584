"""Failed jobs on PostgreSQL: retried with back-off, then listed for an administrator who may run
them again. A real Procrastinate worker runs in the test's event loop on a committed schema."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from support.accounts import login, make_user
from zhili.app import create_app
from zhili.auth.models import Role
from zhili.db import Database
from zhili.jobs.health import job_counts
from zhili.jobs.queue import build_queue
from zhili.settings import Settings


@pytest.fixture
def queue_settings(queue_db: Database, tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        database_url=queue_db.url,
        secret_key="failed-jobs-" + "x" * 32,
        jobs="queue",
        jobs_max_attempts=2,
        sweep_interval_minutes=0,
        analytics_sync_minutes=0,
    )


def _events(db: Database, job_id: int) -> list[str]:
    with db.engine.connect() as conn:
        sql = text("SELECT type::text FROM procrastinate_events WHERE job_id = :id ORDER BY id")
        return list(conn.execute(sql, {"id": job_id}).scalars())


def _status(db: Database, job_id: int) -> str:
    with db.engine.connect() as conn:
        sql = text("SELECT status::text FROM procrastinate_jobs WHERE id = :id")
        return str(conn.execute(sql, {"id": job_id}).scalar_one())


@pytest.mark.anyio
async def test_a_failing_job_is_retried_then_listed_and_an_admin_runs_it_again(
    queue_db: Database, queue_settings: Settings
) -> None:
    queue = build_queue(queue_settings, queue_db)
    async with queue.open_async():
        job_id = await queue.tasks["probe"].defer_async(fail=True)
        worker = asyncio.create_task(
            queue.run_worker_async(install_signal_handlers=False, fetch_job_polling_interval=0.5)
        )
        try:
            with anyio.fail_after(120):  # a guard: the retry waits 4 s
                while _status(queue_db, job_id) != "failed":
                    await asyncio.sleep(0.2)
        finally:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)
    assert job_counts(queue_db).get(("probe", "failed"), 0) >= 1  # what /metrics can report
    # Run, wait (back-off, a "scheduled" retry), run again, then give up.
    steps = [
        e for e in _events(queue_db, job_id) if e in ("started", "scheduled", "deferred_for_retry", "failed")
    ]
    assert steps == ["started", "scheduled", "deferred_for_retry", "started", "failed"]

    with queue_db.session() as session:
        make_user(session, "jobs_admin", Role.admin)
        make_user(session, "jobs_operator", Role.operator, "C11")
    client = TestClient(create_app(queue_settings, database=queue_db))
    login(client, "jobs_operator")
    assert client.get("/api/jobs/failed").status_code == 403
    login(client, "jobs_admin")
    listed = client.get("/api/jobs/failed").json()
    assert listed["queue"] is True
    [job] = [j for j in listed["jobs"] if j["id"] == job_id]
    assert job["label"] == "任务队列探针" and job["attempts"] == 2
    page = client.get("/admin/jobs").text
    assert "任务队列探针" in page and f"/admin/jobs/{job_id}/retry" in page and "probe" not in page

    answer = client.post(f"/api/jobs/{job_id}/retry")
    assert answer.status_code == 200 and answer.json() == {"id": job_id, "name": "probe", "status": "todo"}
    assert _status(queue_db, job_id) == "todo" and _events(queue_db, job_id)[-1] == "retried"
    assert client.post(f"/api/jobs/{job_id}/retry").status_code == 404  # no longer failed
    with queue_db.engine.connect() as conn:
        sql = text("SELECT actor, target_id FROM audit_entries WHERE action = 'jobs.retry'")
        assert conn.execute(sql).all() == [("jobs_admin", str(job_id))]


def test_a_deferred_job_waits_in_the_queue_for_a_worker(queue_db: Database, queue_settings: Settings) -> None:
    from zhili.jobs.defer import defer_job

    job_id = defer_job(queue_db, queue_settings, "probe", seconds=0)
    assert job_id is not None and _status(queue_db, job_id) == "todo"  # no worker here: it waits
    with queue_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs WHERE id = :id"), {"id": job_id})


def test_inline_a_deferred_job_runs_in_this_process(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from zhili.jobs.defer import defer_job

    caplog.set_level(logging.DEBUG, logger="zhili.jobs")
    sqlite = Database(f"sqlite:///{tmp_path / 'zhili.sqlite3'}")
    try:
        assert defer_job(sqlite, Settings(environment="test", data_dir=tmp_path), "probe", seconds=0) is None
        deadline = time.monotonic() + 60  # a guard
        while not any("job probe done" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        sqlite.dispose()


def test_a_failed_periodic_run_is_not_retried_while_its_next_run_waits(
    queue_db: Database, queue_settings: Settings
) -> None:
    sweeping = queue_settings.model_copy(update={"sweep_interval_minutes": 5})
    queue = build_queue(sweeping)
    with queue.open():
        first = queue.tasks["deadline_sweep"].defer()
        with queue_db.engine.begin() as conn:  # as a worker leaves a run that failed its last attempt
            conn.execute(
                text("UPDATE procrastinate_jobs SET status = 'failed' WHERE id = :id"), {"id": first}
            )
        waiting = queue.tasks["deadline_sweep"].defer()
    with queue_db.session() as session:
        make_user(session, "jobs_admin2", Role.admin)
    client = TestClient(create_app(sweeping, database=queue_db))
    login(client, "jobs_admin2")
    refused = client.post(f"/api/jobs/{first}/retry")
    assert refused.status_code == 409 and "已在排队" in refused.json()["error"]["message"]
    assert _status(queue_db, first) == "failed" and _status(queue_db, waiting) == "todo"
    with queue_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs WHERE id IN (:a, :b)"), {"a": first, "b": waiting})


def test_readyz_needs_a_live_worker_in_queue_mode(queue_db: Database, queue_settings: Settings) -> None:
    """With ZHILI_JOBS=queue, a server with no worker heard from is not ready; a fresh heartbeat is."""
    client = TestClient(create_app(queue_settings, database=queue_db))
    with queue_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_workers"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "worker:no_worker" in answer.json()["reasons"]
    with queue_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO procrastinate_workers DEFAULT VALUES"))
    answer = client.get("/readyz")
    assert answer.json()["checks"]["worker"]["ok"] is True, answer.json()
    with queue_db.engine.begin() as conn:
        conn.execute(text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "worker:worker_silent" in answer.json()["reasons"]
