"""The server's in-process deliverer (the embedded default): ``deliver_pending`` as soon as a
transaction that wrote to the outbox commits, and every ``POLL_SECONDS`` for retries that fall due.
With ``ZHILI_JOBS=queue``, ``zhili worker`` runs ``deliver_once`` from the queue every ``POLL_SECONDS``
instead (registered in ``zhili.jobs.registry``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI

from zhili.db import Database
from zhili.notifications.service import add_waker, deliver_pending, remove_waker
from zhili.settings import Settings

log = logging.getLogger(__name__)

POLL_SECONDS = 15.0


async def run_delivery(app: FastAPI, *, poll_seconds: float = POLL_SECONDS) -> None:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    loop = asyncio.get_running_loop()
    due = asyncio.Event()

    def wake() -> None:  # called from request threads after their commit
        loop.call_soon_threadsafe(due.set)

    add_waker(wake)
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(due.wait(), timeout=poll_seconds)
            due.clear()
            job = asyncio.ensure_future(asyncio.to_thread(deliver_pending, db, settings))
            try:
                sent = await asyncio.shield(job)
            except asyncio.CancelledError:
                await asyncio.wait([job])  # let a running delivery record its results
                raise
            except Exception as exc:
                log.error("SMS delivery failed (%s); next attempt in %s s", type(exc).__name__, poll_seconds)
                continue
            if sent:
                log.info("SMS delivered: %d", sent)
    finally:
        remove_waker(wake)


def start_delivery(app: FastAPI) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(run_delivery(app), name="zhili-sms-delivery")


async def stop_delivery(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def deliver_once(db: Database, settings: Settings) -> int:
    """The queue's job: send what is due (``deliver_pending`` claims rows, so workers never double-send)."""
    return deliver_pending(db, settings)


def delivery_period_seconds(settings: Settings) -> float:
    """Queued only with ``ZHILI_JOBS=queue``: inline, the server's own deliverer above does it."""
    return POLL_SECONDS if settings.jobs == "queue" else 0.0


def summary(sent: int) -> dict[str, int]:
    return {"sent": sent}
