"""The server's periodic deadline sweep: ``sweep`` in its own short transactions, every
``ZHILI_SWEEP_INTERVAL_MINUTES``, going again soon while a backlog remains."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from zhili.cases.context import CaseContext
from zhili.cases.sweep.service import BACKLOG_PAUSE_SECONDS, PERIODIC_LIMIT, SweepReport, sweep
from zhili.db import Database
from zhili.settings import Settings

log = logging.getLogger(__name__)


def sweep_once(db: Database, settings: Settings, limit: int | None = PERIODIC_LIMIT) -> SweepReport:
    """One sweep in its own transaction, committed when it succeeds."""
    ctx = CaseContext.for_settings(settings)
    with db.session(write=True) as session:
        return sweep(session, ctx, limit=limit)


def _describe(exc: BaseException) -> str:
    # Database errors quote statement parameters; name the error types only.
    inner = getattr(exc, "orig", None)
    return type(exc).__name__ + (f"/{type(inner).__name__}" if inner is not None else "")


async def run_periodic_sweep(app: FastAPI, *, interval_seconds: float | None = None) -> None:
    """Sweep every ``sweep_interval_minutes`` (first after one interval) until cancelled.

    After a run that had to defer cases it goes again soon, in short transactions, until the
    backlog is gone.
    """
    settings: Settings = app.state.settings
    db: Database = app.state.db
    interval = settings.sweep_interval_minutes * 60 if interval_seconds is None else interval_seconds
    if interval <= 0:
        return
    delay = interval
    while True:
        await asyncio.sleep(delay)
        delay = interval
        job = asyncio.ensure_future(asyncio.to_thread(sweep_once, db, settings))
        try:
            report = await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])  # let a running transaction finish before shutdown
            raise
        except Exception as exc:
            log.error("deadline sweep failed (%s); next attempt in %s s", _describe(exc), interval)
            continue
        level = logging.INFO if report.changed else logging.DEBUG
        log.log(level, "deadline sweep done: %s", report.counts())
        if report.deferred:
            delay = min(interval, BACKLOG_PAUSE_SECONDS)


def start_periodic_sweep(app: FastAPI) -> asyncio.Task[None] | None:
    """Start the sweep loop on the running event loop; None when the interval setting is 0."""
    settings: Settings = app.state.settings
    if settings.sweep_interval_minutes <= 0:
        return None
    return asyncio.get_running_loop().create_task(run_periodic_sweep(app), name="zhili-deadline-sweep")


async def stop_periodic_sweep(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
