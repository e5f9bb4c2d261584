"""What every lifecycle handler shares: required inputs, units, events and assignments.

Each handler validates its own inputs, changes the case and appends its events;
``lifecycle.service.perform`` has already checked the actor, the unit and the state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.events import append_event
from zhili.cases.lifecycle.deadlines import limits_for
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.schemas import ActionIn
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState
from zhili.errors import Conflict, ValidationFailed
from zhili.units.models import Unit

Handler = Callable[[Session, CaseContext, Actor, Case, ActionIn], None]


def require(value: object, field: str, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        raise ValidationFailed(message, field=field)


def active_unit(session: Session, code: str, field: str) -> Unit:
    unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None:  # a unit's full name is accepted as well as its code (the picker sends the code)
        named = session.execute(select(Unit).where(Unit.name == code, Unit.active.is_(True))).scalars().all()
        unit = named[0] if len(named) == 1 else None
    if unit is None or not unit.active:
        raise ValidationFailed(f"单位不存在或已停用：{code}", field=field)
    return unit


def move(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    action: str,
    to: CaseState | None,
    *,
    note: str | None = None,
    public: bool = False,
    data: dict[str, object] | None = None,
) -> None:
    """Append the action's event, moving the case to ``to`` first (None: the state stays)."""
    before = case.state
    if to is not None:
        case.state = to
    append_event(
        session,
        case,
        action=action,
        actor=actor,
        at=ctx.now(),
        from_state=before,
        note=note,
        public=public,
        data=data,
    )


def record(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    action: str,
    *,
    note: str | None = None,
    public: bool = False,
    data: dict[str, object] | None = None,
) -> None:
    """An event that leaves the state as it is."""
    move(session, ctx, actor, case, action, None, note=note, public=public, data=data)


def active_assignments(
    session: Session, case: Case, role: AssignmentRole | None = None
) -> list[CaseAssignment]:
    query = select(CaseAssignment).where(
        CaseAssignment.case_id == case.id, CaseAssignment.status != AssignmentStatus.released
    )
    if role:
        query = query.where(CaseAssignment.role == role)
    return list(session.execute(query.order_by(CaseAssignment.id)).scalars())


def assign(
    session: Session,
    case: Case,
    unit: Unit,
    role: AssignmentRole,
    ctx: CaseContext,
    checkin_due: datetime | None = None,
) -> None:
    """(Re)activate a unit's assignment; a unit returns to a case as the same row."""
    assignment = session.execute(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id, CaseAssignment.unit_id == unit.id, CaseAssignment.role == role
        )
    ).scalar_one_or_none()
    if assignment is None:
        assignment = CaseAssignment(
            case_id=case.id, unit_id=unit.id, role=role, case_received_at=case.received_at
        )
        session.add(assignment)
    assignment.status = AssignmentStatus.called
    assignment.assigned_at = ctx.now()
    assignment.checkin_due = checkin_due
    assignment.checked_in_at = assignment.reported_at = None
    assignment.report = None
    session.flush()


def call_co_units(session: Session, ctx: CaseContext, case: Case, codes: list[str], field: str) -> list[str]:
    limits = limits_for(session, case)
    now = ctx.now()
    taken = {a.unit_id for a in active_assignments(session, case)}
    called = []
    for code in dict.fromkeys(codes):
        unit = active_unit(session, code, field)
        if unit.id == case.lead_unit_id:
            raise ValidationFailed("主办单位不能同时作为协办单位", field=field)
        if unit.id in taken:
            raise Conflict(f"{unit.name}已在本诉求中", field=field)
        assign(session, case, unit, AssignmentRole.co, ctx, limits.due(now, "checkin", ctx.tz))
        called.append(code)
    return called
