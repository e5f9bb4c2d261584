"""``zhili worker``'s process: the queue's worker, with a heartbeat, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from zhili.db import Database
from zhili.jobs.queue import build_queue, stalled_after
from zhili.settings import Settings

log = logging.getLogger("zhili.jobs")


def configure_logging() -> None:
    """Job outcomes on stderr, unless the process already configured logging."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def run_worker(settings: Settings, concurrency: int) -> None:
    db = Database.for_settings(settings)
    try:
        asyncio.run(_work(settings, db, concurrency))
    finally:
        db.dispose()


async def _work(settings: Settings, db: Database, concurrency: int) -> None:
    queue = build_queue(settings, db)
    name = f"zhili@{socket.gethostname()}:{os.getpid()}"
    async with queue.open_async():
        log.info("worker %s started (%s jobs at a time)", name, concurrency)
        await queue.run_worker_async(
            name=name,
            concurrency=concurrency,
            update_heartbeat_interval=settings.jobs_heartbeat_seconds,
            stalled_worker_timeout=stalled_after(settings),
            install_signal_handlers=True,
        )
    log.info("worker %s stopped", name)
