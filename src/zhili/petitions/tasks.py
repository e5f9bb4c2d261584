"""The server's periodic petition sweep, beside the case sweep (``zhili.cases.sweep.tasks``) and on
its interval (``ZHILI_SWEEP_INTERVAL_MINUTES``)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from zhili.db import Database
from zhili.kernel.clock import utcnow
from zhili.petitions.sweep import PetitionSweepReport, sweep_petitions
from zhili.settings import Settings

log = logging.getLogger(__name__)


def sweep_petitions_once(db: Database, settings: Settings) -> PetitionSweepReport:
    with db.session(write=True) as session:
        return sweep_petitions(session, utcnow(), settings.warning_fraction)


async def run_periodic_petition_sweep(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    interval = settings.sweep_interval_minutes * 60
    while True:
        await asyncio.sleep(interval)
        job = asyncio.ensure_future(asyncio.to_thread(sweep_petitions_once, db, settings))
        try:
            report = await asyncio.shield(job)
        except asyncio.CancelledError:
            await asyncio.wait([job])
            raise
        except Exception as exc:
            log.error("petition sweep failed (%s)", type(exc).__name__)
            continue
        log.log(logging.INFO if report.changed else logging.DEBUG, "petition sweep done: %s", report.counts())


def start_periodic_petition_sweep(app: FastAPI) -> asyncio.Task[None] | None:
    settings: Settings = app.state.settings
    if settings.sweep_interval_minutes <= 0:
        return None
    return asyncio.get_running_loop().create_task(
        run_periodic_petition_sweep(app), name="zhili-petition-sweep"
    )


async def stop_periodic_petition_sweep(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
