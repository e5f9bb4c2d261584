"""Append events to a case's history. Events are never updated or deleted."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.models import Case, CaseEvent
from zhili.cases.states import CaseState


def build_event(
    case: Case,
    seq: int,
    *,
    action: str,
    actor: Actor,
    at: Any,
    from_state: CaseState | None,
    note: str | None = None,
    public: bool = False,
    data: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """The event row itself, numbered ``seq`` (callers that number a batch at once use this)."""
    return CaseEvent(
        case_id=case.id,
        seq=seq,
        action=action,
        from_state=from_state.value if from_state else None,
        to_state=case.state.value,
        actor=actor.username,
        actor_role=actor.role.value,
        actor_unit_id=actor.unit_id,
        at=at,
        note=note,
        public=public,
        data=json.dumps(dict(data or {}), ensure_ascii=False, sort_keys=True, default=str),
    )


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
    event = build_event(
        case,
        (last or 0) + 1,
        action=action,
        actor=actor,
        at=at,
        from_state=from_state,
        note=note,
        public=public,
        data=data,
    )
    session.add(event)
    session.flush()
    return event


_INSERT_EVENT = insert(CaseEvent)


def insert_first_event(
    session: Session,
    case: Case,
    *,
    action: str,
    actor: Actor,
    at: Any,
    note: str | None = None,
    public: bool = False,
    data: Mapping[str, Any] | None = None,
) -> None:
    """The first event of a case just flushed (受理), as one Core insert: intake pays for no unit of work."""
    session.connection().execute(
        _INSERT_EVENT,
        {
            "case_id": case.id,
            "seq": 1,
            "action": action,
            "from_state": None,
            "to_state": case.state.value,
            "actor": actor.username,
            "actor_role": actor.role.value,
            "actor_unit_id": actor.unit_id,
            "at": at,
            "note": note,
            "public": public,
            "data": json.dumps(dict(data or {}), ensure_ascii=False, sort_keys=True, default=str),
        },
    )
