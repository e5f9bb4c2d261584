"""The deadline sweep for 信访事项: 预警 and 超期 flags, as the case sweep sets them for cases.

A flag concerns an office's or a body's duty (决定、受理、办理、复查、复核); the petitioner's windows for
asking 复查 or 复核 carry none. 超期: now is past ``due_at``. 预警: not overdue, and the time since the
step began has reached ``warning_fraction`` of its allowance. Petitions are few beside cases (tens of
thousands a year at most), so every open matter with a deadline is read, locked, and decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.kernel.clock import as_aware
from zhili.petitions.models import PetitionMatter
from zhili.petitions.states import OPEN_STATES, PETITIONER_WINDOWS

DUTY_STATES = OPEN_STATES - PETITIONER_WINDOWS
BATCH = 500


@dataclass
class PetitionSweepReport:
    examined: int = 0
    warned: int = 0
    overdue: int = 0
    cleared: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.warned or self.overdue or self.cleared)

    def counts(self) -> dict[str, int]:
        return {
            "examined": self.examined,
            "warned": self.warned,
            "overdue": self.overdue,
            "cleared": self.cleared,
        }


def flags_for(matter: PetitionMatter, now: datetime, warning_fraction: float) -> tuple[bool, bool]:
    """(warning, overdue) of a matter at ``now``."""
    if matter.state not in DUTY_STATES or matter.due_at is None:
        return False, False
    due = as_aware(matter.due_at)
    if now > due:
        return False, True
    start = as_aware(matter.stage_started_at)
    allowance = (due - start).total_seconds()
    share = 1.0 if allowance <= 0 else (now - start).total_seconds() / allowance
    return share >= warning_fraction, False


def sweep_petitions(session: Session, now: datetime, warning_fraction: float) -> PetitionSweepReport:
    """Set or clear the flags of every matter that needs it; flushes, the caller commits."""
    report = PetitionSweepReport()
    last_id = 0
    while True:
        batch = session.scalars(
            select(PetitionMatter)
            .where(
                PetitionMatter.id > last_id,
                (PetitionMatter.state.in_(DUTY_STATES) & PetitionMatter.due_at.is_not(None))
                | PetitionMatter.warning.is_(True)
                | PetitionMatter.overdue.is_(True),
            )
            .order_by(PetitionMatter.id)
            .limit(BATCH)
            .with_for_update()
        ).all()
        if not batch:
            break
        for matter in batch:
            report.examined += 1
            warning, overdue = flags_for(matter, now, warning_fraction)
            if (warning, overdue) == (matter.warning, matter.overdue):
                continue
            if overdue and not matter.overdue:
                report.overdue += 1
            elif warning and not matter.warning:
                report.warned += 1
            else:
                report.cleared += 1
            matter.warning, matter.overdue = warning, overdue
        last_id = batch[-1].id
        session.flush()
    return report
