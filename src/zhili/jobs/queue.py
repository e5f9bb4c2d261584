"""The job queue: a Procrastinate app whose tasks are the registry's jobs (docs/worker.md).

- Every job becomes a task of the same name, retried with growing waits (4, 16, 64 s…) up to
  ``ZHILI_JOBS_MAX_ATTEMPTS`` attempts, then left ``failed`` for an administrator (``zhili.jobs.failed``).
- Periodic jobs are scheduled by the queue: every worker's deferrer offers each tick, and the
  database's unique (task, tick) keeps exactly one; the ``lock`` runs one at a time.
- ``retry_stalled_jobs`` puts back the running jobs of a worker that stopped sending heartbeats
  (killed, or its machine gone), so another worker finishes them.
- App servers build the same app without a database, only to defer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from procrastinate import App, PsycopgConnector, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException, UniqueViolation
from procrastinate.jobs import Job as QueuedJob
from procrastinate.jobs import Status
from sqlalchemy.engine import make_url

from zhili.db import Database
from zhili.jobs.health import STALE_HEARTBEATS
from zhili.jobs.outcome import log_done, log_failed
from zhili.jobs.registry import JOBS, Job, periodic_jobs
from zhili.jobs.schedule import cron_for
from zhili.settings import Settings

log = logging.getLogger("zhili.jobs")

BACKOFF_BASE = 4  # seconds; the n-th retry waits BACKOFF_BASE ** n
BACKLOG_PAUSE_SECONDS = 5
STALLED_HEARTBEATS = STALE_HEARTBEATS  # a worker silent for this many heartbeats is taken as gone
KEEP_FINISHED_HOURS = 72


def conninfo(database_url: str) -> str:
    """libpq's form of a SQLAlchemy URL (``postgresql+psycopg://`` → ``postgresql://``), query kept."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def stalled_after(settings: Settings) -> float:
    return STALLED_HEARTBEATS * settings.jobs_heartbeat_seconds


def retry_strategy(settings: Settings) -> RetryStrategy | bool:
    retries = settings.jobs_max_attempts - 1
    # Procrastinate reads max_attempts=0 as "forever"; one attempt means no retry at all.
    return RetryStrategy(max_attempts=retries, exponential_wait=BACKOFF_BASE) if retries else False


def build_queue(settings: Settings, db: Database | None = None, *, max_connections: int | None = None) -> App:
    """The queue's app; ``db`` is where job functions work (a worker's), None to only defer.
    ``max_connections`` caps its pool (the library's default otherwise)."""
    pool: dict[str, Any] = {} if max_connections is None else {"min_size": 1, "max_size": max_connections}
    app = App(connector=PsycopgConnector(conninfo=conninfo(settings.resolved_database_url), **pool))
    periods = dict(periodic_jobs(settings))
    for job in JOBS:
        _register(app, job, settings, db, periods.get(job))
    _register_machinery(app, settings)
    return app


def _register(app: App, job: Job, settings: Settings, db: Database | None, period: float | None) -> None:
    async def run_job(timestamp: int | None = None, **kwargs: Any) -> None:
        if db is None:
            raise RuntimeError("this process only defers jobs")
        started = time.monotonic()
        try:
            result = await asyncio.to_thread(job.run, db, settings, **kwargs)
        except Exception as exc:
            log_failed(job, exc, None)
            raise
        log_done(job, result, time.monotonic() - started)
        if period is not None and job.again_soon(result):
            with contextlib.suppress(AlreadyEnqueued):  # a run is already waiting
                await task.configure(
                    schedule_in={"seconds": BACKLOG_PAUSE_SECONDS}, queueing_lock=job.name
                ).defer_async()

    run_job.__name__ = job.name
    # A periodic job runs one at a time (lock) and waits at most once (queueing lock).
    serial = job.name if period is not None else None
    task = app.task(name=job.name, retry=retry_strategy(settings), lock=serial, queueing_lock=serial)(run_job)
    if period is not None:
        app.periodic(cron=cron_for(period), periodic_id=job.name)(task)


def _register_machinery(app: App, settings: Settings) -> None:
    stalled_seconds = stalled_after(settings)

    # No ``lock``: a run left "doing" by a killed worker would hold the lock for ever, and no later
    # run could put back any stalled job (its own included). Two runs at once are harmless: a job is
    # put back by one of them, and the other finds it no longer running.
    @app.periodic(cron=cron_for(stalled_seconds), periodic_id="retry_stalled_jobs")
    @app.task(name="retry_stalled_jobs", queueing_lock="retry_stalled_jobs")
    async def retry_stalled_jobs(timestamp: int) -> None:
        for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
            try:
                await _put_back(app, job, settings)
            except ConnectorException:  # UniqueViolation is caught inside
                log.info("job %s (%s) was already put back by another run", job.task_name, job.id)
        # The dead worker's record stays until a worker starts (the library prunes then): pruning a
        # live worker that was only slow would leave it without a record, its jobs looking orphaned.

    @app.periodic(cron="17 * * * *", periodic_id="remove_old_jobs")
    @app.task(name="remove_old_jobs", lock="remove_old_jobs", queueing_lock="remove_old_jobs")
    async def remove_old_jobs(timestamp: int) -> None:
        # Succeeded jobs only: failed ones stay listed until an administrator retries them.
        await app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS)


async def _put_back(app: App, job: QueuedJob, settings: Settings) -> None:
    """Retry a job whose worker stopped, or fail it when it has had its attempts."""
    manager = app.job_manager
    attempts = job.attempts + 1
    if attempts >= settings.jobs_max_attempts:
        await manager.finish_job(job, status=Status.FAILED, delete_job=False)
        log.error("job %s (%s) failed: its worker stopped, %s times", job.task_name, job.id, attempts)
        return
    try:
        await manager.retry_job(job)
    except UniqueViolation:
        # A later run of the same periodic job already waits (its queueing lock): it does the work,
        # so this one is closed rather than run twice.
        await manager.finish_job(job, status=Status.ABORTED, delete_job=False)
        log.warning("job %s (%s) dropped: its worker stopped, a later run waits", job.task_name, job.id)
        return
    log.warning("job %s (%s) retried: its worker stopped", job.task_name, job.id)
