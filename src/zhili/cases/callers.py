"""A caller's recent demands, found by the phone's keyed digest (``kernel.crypto``), never by
decrypting rows: the operator taking a call sees what this caller asked before and in what state it
is. Every look-up is an audit entry (who, when, how many found; never the number)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.kernel.crypto import normalise_phone

HISTORY_DAYS = 90
HISTORY_LIMIT = 20
MIN_DIGITS = 7  # shorter input is still being typed: no look-up, no audit entry


def usable_phone(phone: str) -> bool:
    return len(normalise_phone(phone)) >= MIN_DIGITS


def recent_demands(session: Session, ctx: CaseContext, actor: Actor, phone: str) -> Sequence[Case]:
    """The caller's demands of the last ``HISTORY_DAYS`` days that the actor may read, newest first."""
    digest = ctx.cipher.digest(phone)
    since = ctx.now() - timedelta(days=HISTORY_DAYS)
    cases = (
        session.scalars(
            readable_cases(actor)
            .where(Case.citizen_phone_digest == digest, Case.received_at >= since)
            .order_by(Case.received_at.desc())
            .limit(HISTORY_LIMIT)
        ).all()
        if digest
        else []
    )
    audit.record(
        session,
        actor=actor.username,
        action="case.caller_history",
        target_type="caller",
        target_id=(digest or "")[:16],
        detail={"found": len(cases), "days": HISTORY_DAYS},
    )
    return cases
