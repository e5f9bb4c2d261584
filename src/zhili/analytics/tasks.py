"""The server's periodic sync of the analytical store (pattern: ``zhili.cases.sweep.tasks``)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from zhili.analytics.service import store_for
from zhili.analytics.sync import SETTLE_SECONDS, SyncReport, sync
from zhili.db import Database
from zhili.errors import Conflict
from zhili.settings import Settings

log = logging.getLogger(__name__)


def sync_once(db: Database, settings: Settings, settle_seconds: float = SETTLE_SECONDS) -> SyncReport | None:
    try:
        return sync(db, settings, store_for(settings), settle_seconds=settle_seconds)
    except Conflict:
        return None  # a CLI sync is running; the next run catches up


async def run_periodic_sync(app: FastAPI, *, interval_seconds: float | None = None) -> None:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    interval = settings.analytics_sync_minutes * 60 if interval_seconds is None else interval_seconds
    if interval <= 0:
        return
    while True:
        await asyncio.sleep(interval)
        job = asyncio.ensure_future(asyncio.to_thread(sync_once, db, settings))
        try:
            report = await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])
            raise
        except Exception as exc:
            log.error("analytics sync failed (%s)", type(exc).__name__)
            continue
        if report is not None and report.cases:
            log.info("analytics sync done: %s", report.counts())


def start_periodic_sync(app: FastAPI) -> asyncio.Task[None] | None:
    settings: Settings = app.state.settings
    if settings.analytics_sync_minutes <= 0:
        return None
    return asyncio.get_running_loop().create_task(run_periodic_sync(app), name="zhili-analytics-sync")


async def stop_periodic_sync(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
