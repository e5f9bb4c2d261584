"""The petition deadline sweep as a job, beside the case sweep and on its interval.

Registered in ``zhili.jobs.registry``; ``zhili serve`` runs it in-process (``ZHILI_JOBS=inline``) or
``zhili worker`` runs it from the queue, every ``ZHILI_SWEEP_INTERVAL_MINUTES``.
"""

from __future__ import annotations

from zhili.db import Database
from zhili.kernel.clock import utcnow
from zhili.petitions.sweep import PetitionSweepReport, sweep_petitions
from zhili.settings import Settings


def sweep_petitions_once(db: Database, settings: Settings) -> PetitionSweepReport:
    """One sweep of the petitions' deadlines in its own transaction, committed when it succeeds."""
    with db.session(write=True) as session:
        return sweep_petitions(session, utcnow(), settings.warning_fraction)


def summary(report: PetitionSweepReport) -> dict[str, int]:
    return report.counts()
