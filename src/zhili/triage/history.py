"""Suggestions for cases dispatched before triage saw them (imported history, the demo year): what
triage would have suggested from the text and the place alone, compared with the unit and category
each case was actually dispatched with, recorded by ``decisions.record_dispatch`` (source
``history``), so that the override report and the measured precision have something to read from
day one. Cases that already have a suggestion are left alone, so running it twice changes nothing.
"""

from __future__ import annotations

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.service import system_actor
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.triage import decisions, service
from zhili.triage.models import Recommendation

HISTORY_ACTOR = "triage-history"
BATCH = 500


def backfill(session: Session, ctx: CaseContext, limit: int | None = None) -> tuple[int, int]:
    """Suggest and compare for dispatched cases without a suggestion; returns (cases, overridden)."""
    actor = system_actor(HISTORY_ACTOR)
    pending = (
        select(Case.id)
        .where(
            Case.lead_unit_id.is_not(None),
            Case.dispatched_at.is_not(None),
            ~exists().where(Recommendation.case_id == Case.id),
        )
        .order_by(Case.id)
    )
    ids = list(session.scalars(pending.limit(limit) if limit else pending))
    done = overridden = 0
    for start in range(0, len(ids), BATCH):
        for case in session.scalars(select(Case).where(Case.id.in_(ids[start : start + BATCH]))):
            rec = service.recommend(session, ctx, case, from_text=True)
            rec["created_at"] = case.received_at
            session.execute(insert(Recommendation), rec)
            decision = decisions.record_dispatch(
                session, actor, case, source="history", at=case.dispatched_at
            )
            done += 1
            overridden += bool(decision and decision.outcome == decisions.OVERRIDDEN)
    if done:
        audit.record(
            session,
            actor=HISTORY_ACTOR,
            action="triage.backfill",
            target_type="triage_decisions",
            detail={"cases": done, "overridden": overridden},
        )
    return done, overridden
