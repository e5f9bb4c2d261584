"""The in-process runner of ``zhili serve`` (``ZHILI_JOBS=inline``, the one-command default).

Each periodic job of the registry runs in a worker thread every period (first after one period),
again soon while it reports a backlog, and survives its own failures. With ``ZHILI_JOBS=queue`` the
server starts none of this: ``zhili worker`` runs the same functions from the queue.
"""

from __future__ import annotations

import asyncio
import time

from zhili.db import Database
from zhili.jobs.outcome import log_done, log_failed
from zhili.jobs.registry import Job, periodic_jobs
from zhili.settings import Settings

BACKLOG_PAUSE_SECONDS = 5.0


async def run_every(job: Job, db: Database, settings: Settings, interval: float) -> None:
    """Run ``job`` every ``interval`` seconds until cancelled; a running job finishes first."""
    delay = interval
    while True:
        await asyncio.sleep(delay)
        delay = interval
        started = time.monotonic()
        work = asyncio.ensure_future(asyncio.to_thread(job.run, db, settings))
        try:
            result = await asyncio.shield(work)
        except asyncio.CancelledError:
            await asyncio.wait([work])  # let a running transaction finish before shutdown
            raise
        except Exception as exc:
            log_failed(job, exc, interval)
            continue
        log_done(job, result, time.monotonic() - started)
        if job.again_soon(result):
            delay = min(interval, BACKLOG_PAUSE_SECONDS)


def start_inline_jobs(db: Database, settings: Settings) -> list[asyncio.Task[None]]:
    """Start the periodic jobs on the running loop; none with ``ZHILI_JOBS=queue``."""
    if settings.jobs != "inline":
        return []
    loop = asyncio.get_running_loop()
    return [
        loop.create_task(run_every(job, db, settings, seconds), name=f"zhili-job-{job.name}")
        for job, seconds in periodic_jobs(settings)
    ]


async def stop_inline_jobs(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
