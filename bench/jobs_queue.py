"""Benchmark of the job queue (Procrastinate on PostgreSQL): defer N jobs, then run them.

    .venv/bin/python bench/jobs_queue.py                     # 1,000 probe jobs, 1 and 4 at a time
    .venv/bin/python bench/jobs_queue.py --jobs 5000 --concurrency 1 8
    .venv/bin/python bench/jobs_queue.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each job is zhili's ``probe`` with 0 s: the real path of every zhili job (the queue's task, a worker
thread, one ``SELECT 1`` in its own session). It prints the time to defer the jobs one by one (as an
app server does), the time for one in-process worker to drain them, and the latency from defer to
start of a single job on an idle worker that listens (LISTEN/NOTIFY), median and p95 of ``--latency``
tries. Its schema is made for the run and dropped afterwards. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from sqlalchemy import create_engine, text

from zhili import migrate
from zhili.db import Database
from zhili.jobs.queue import build_queue
from zhili.settings import Settings

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _admin(url: str, *statements: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def _status_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1"))
        return {status: int(count) for status, count in rows}


async def _drain(settings: Settings, db: Database, jobs: int, concurrency: int) -> tuple[float, float]:
    queue = build_queue(settings, db)
    async with queue.open_async():
        started = time.perf_counter()
        for _ in range(jobs):
            await queue.tasks["probe"].defer_async(seconds=0)
        deferred = time.perf_counter() - started
        started = time.perf_counter()
        await queue.run_worker_async(concurrency=concurrency, wait=False, install_signal_handlers=False)
        drained = time.perf_counter() - started
    return deferred, drained


async def _latencies(settings: Settings, db: Database, tries: int) -> list[float]:
    """Defer one job at a time to an idle, listening worker; seconds from defer to start."""
    queue = build_queue(settings, db)
    async with queue.open_async():
        worker = asyncio.create_task(queue.run_worker_async(install_signal_handlers=False))
        await asyncio.sleep(1.0)  # registered and listening
        found = []
        for _ in range(tries):
            job_id = await queue.tasks["probe"].defer_async(seconds=0)
            while (await queue.job_manager.get_job_status_async(job_id)).value != "succeeded":
                await asyncio.sleep(0.005)
            with db.engine.connect() as conn:
                sql = text(
                    "SELECT extract(epoch FROM max(at) FILTER (WHERE type = 'started') "
                    "- max(at) FILTER (WHERE type = 'deferred')) FROM procrastinate_events WHERE job_id = :id"
                )
                found.append(float(conn.execute(sql, {"id": job_id}).scalar_one()))
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--latency", type=int, default=50, help="single jobs timed from defer to start")
    args = parser.parse_args()
    schema = f"bench_jobs_{os.getpid()}"
    _admin(args.url, f"CREATE SCHEMA {schema}")
    url = f"{args.url}?options=-csearch_path%3D{schema}"
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
        settings = Settings(
            environment="test",
            database_url=url,
            jobs="queue",
            sweep_interval_minutes=0,
            analytics_sync_minutes=0,
        )
        for concurrency in args.concurrency:
            deferred, drained = asyncio.run(_drain(settings, db, args.jobs, concurrency))
            assert _status_counts(db).get("succeeded", 0) >= args.jobs
            print(
                f"{args.jobs} jobs, {concurrency} at a time: defer {deferred:.2f} s "
                f"({args.jobs / deferred:,.0f}/s), run {drained:.2f} s ({args.jobs / drained:,.0f}/s)"
            )
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM procrastinate_jobs"))
        found = sorted(asyncio.run(_latencies(settings, db, args.latency)))
        median, p95 = statistics.median(found) * 1000, found[max(0, round(0.95 * len(found)) - 1)] * 1000
        print(f"defer → start on an idle worker, {len(found)} jobs: median {median:.0f} ms, p95 {p95:.0f} ms")
    finally:
        db.dispose()
        _admin(args.url, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
