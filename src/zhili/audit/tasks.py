"""The server's periodic anchor: every ``ZHILI_AUDIT_ANCHOR_MINUTES``, when the chain has grown since
the last anchor, append a signed anchor of its head to the anchor file (see ``anchors``)."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from zhili.audit import anchors
from zhili.audit.chain import chain_key
from zhili.db import Database
from zhili.settings import Settings

log = logging.getLogger(__name__)


def anchor_once(db: Database, settings: Settings) -> anchors.Anchor | None:
    """Append an anchor of the committed head unless the file's last anchor already has it."""
    path = settings.resolved_audit_anchor_file
    with db.session(write=False) as session:
        anchor = anchors.of_head(session, chain_key(settings))
    if anchor is None or anchor.seq <= anchors.last_seq(anchors.read(path)):
        return None
    anchors.append(path, anchor)
    return anchor


async def run_periodic_anchor(app: FastAPI, *, interval_seconds: float | None = None) -> None:
    settings: Settings = app.state.settings
    db: Database = app.state.db
    interval = settings.audit_anchor_minutes * 60 if interval_seconds is None else interval_seconds
    if interval <= 0:
        return
    while True:
        await asyncio.sleep(interval)
        try:
            anchor = await asyncio.to_thread(anchor_once, db, settings)
        except Exception as exc:  # a full disk or a bad line must not stop the server
            log.error("audit anchor failed (%s); next attempt in %s s", type(exc).__name__, interval)
            continue
        if anchor is not None:
            log.info("audit chain anchored at entry %s", anchor.seq)


def start_periodic_anchor(app: FastAPI) -> asyncio.Task[None] | None:
    settings: Settings = app.state.settings
    if settings.audit_anchor_minutes <= 0:
        return None
    return asyncio.get_running_loop().create_task(run_periodic_anchor(app), name="zhili-audit-anchor")


async def stop_periodic_anchor(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
