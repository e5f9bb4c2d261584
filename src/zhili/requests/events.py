"""Append events to a case's history. Events are never updated or deleted."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.requests.models import Case, CaseEvent
from zhili.requests.states import CaseState


def append_event(
    session: Session,
    case: Case,
    *,
    action: str,
    actor: Actor,
    at: Any,
    from_state: CaseState | None,
    note: str | None = None,
    public: bool = False,
    data: dict[str, Any] | None = None,
    first: bool = False,
) -> CaseEvent:
    """``first``: the case was just created, so its history is empty (saves a query on intake)."""
    last = (
        0
        if first
        else session.execute(select(func.max(CaseEvent.seq)).where(CaseEvent.case_id == case.id)).scalar_one()
    )
    event = CaseEvent(
        case_id=case.id,
        seq=(last or 0) + 1,
        action=action,
        from_state=from_state.value if from_state else None,
        to_state=case.state.value,
        actor=actor.username,
        actor_role=actor.role.value,
        actor_unit_id=actor.unit_id,
        at=at,
        note=note,
        public=public,
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(event)
    session.flush()
    return event
