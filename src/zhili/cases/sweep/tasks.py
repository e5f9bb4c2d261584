"""The deadline sweep as a job: ``sweep`` in its own short transaction.

Registered in ``zhili.jobs.registry``; ``zhili serve`` runs it in-process (``ZHILI_JOBS=inline``) or
``zhili worker`` runs it from the queue, every ``ZHILI_SWEEP_INTERVAL_MINUTES``. A run that had to
defer cases asks for another run soon (``backlog_left``), until the backlog is gone.
"""

from __future__ import annotations

from zhili.cases.context import CaseContext
from zhili.cases.sweep.service import PERIODIC_LIMIT, SweepReport, sweep
from zhili.db import Database
from zhili.settings import Settings


def sweep_once(db: Database, settings: Settings, limit: int | None = PERIODIC_LIMIT) -> SweepReport:
    """One sweep in its own transaction, committed when it succeeds."""
    ctx = CaseContext.for_settings(settings)
    with db.session(write=True) as session:
        return sweep(session, ctx, limit=limit)


def sweep_period_seconds(settings: Settings) -> float:
    return settings.sweep_interval_minutes * 60


def backlog_left(report: SweepReport) -> bool:
    return bool(report.deferred)


def summary(report: SweepReport) -> dict[str, int]:
    return report.counts()
