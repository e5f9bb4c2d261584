"""Queries over the audit log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.audit.models import AuditEntry


def latest_entries(
    session: Session, *, action: str = "", actor: str = "", target: str = "", limit: int, offset: int
) -> tuple[Sequence[AuditEntry], int]:
    """Newest first. ``action`` matches as a prefix, so ``unit.`` finds every unit change."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if target:
        query = query.where(AuditEntry.target_id == target)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)).scalars().all()
    return rows, int(total)
