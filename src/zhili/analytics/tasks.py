"""The sync of the analytical store as a job (registered in ``zhili.jobs.registry``), every
``ZHILI_ANALYTICS_SYNC_MINUTES``, in-process or from the queue."""

from __future__ import annotations

from typing import Any

from zhili.analytics.service import store_for
from zhili.analytics.sync import SETTLE_SECONDS, SyncReport, sync
from zhili.db import Database
from zhili.errors import Conflict
from zhili.settings import Settings


def sync_once(db: Database, settings: Settings, settle_seconds: float = SETTLE_SECONDS) -> SyncReport | None:
    """One sync; None when another sync holds the store (the next run catches up)."""
    try:
        return sync(db, settings, store_for(settings), settle_seconds=settle_seconds)
    except Conflict:
        return None


def sync_period_seconds(settings: Settings) -> float:
    return settings.analytics_sync_minutes * 60


def summary(report: SyncReport | None) -> dict[str, Any]:
    return {} if report is None else report.counts()
