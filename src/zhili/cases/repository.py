"""Every read of a case goes through ``readable_cases(actor)``: one scoped statement.

A case is readable when it lies inside the actor's jurisdiction, or when the actor's unit leads it or
was called in to it. A case with no place yet (待定位: the address could not be resolved, or lies
outside the city) is readable by the operators and dispatchers of the centre that took it in and by
the staff member who took it, so that no demand is ever out of everyone's sight. A case outside the
scope is indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case, CaseAssignment, CaseEvent, CaseLink
from zhili.cases.policy import sees_centre_unlocated, sees_own_unlocated
from zhili.cases.states import AssignmentStatus, CaseState
from zhili.errors import NotFound

NOT_FOUND_MESSAGE = "诉求不存在或不在您的辖区内"


def readable_cases(actor: Actor) -> Select[Case]:
    scope = readable(actor)
    if scope.everything:
        return select(Case)
    conditions: list[Any] = [scope.clause(Case.division_code)] if scope.division_codes else []
    if actor.unit_id is not None:
        conditions.append(Case.lead_unit_id == actor.unit_id)
        conditions.append(
            exists().where(
                CaseAssignment.case_id == Case.id,
                CaseAssignment.unit_id == actor.unit_id,
                CaseAssignment.status != AssignmentStatus.released,
            )
        )
    unlocated = []
    if actor.unit_id is not None and sees_centre_unlocated(actor):
        unlocated.append(Case.receiving_unit_id == actor.unit_id)
    if sees_own_unlocated(actor):
        unlocated.append(Case.created_by == actor.username)
    if unlocated:
        conditions.append(and_(Case.division_code.is_(None), or_(*unlocated)))
    return select(Case).where(or_(*conditions) if conditions else false())


def get_readable(session: Session, actor: Actor, code: str, *, for_update: bool = False) -> Case:
    statement = readable_cases(actor).where(Case.code == code)
    if for_update:
        statement = statement.with_for_update()
    case = session.scalars(statement).one_or_none()
    if case is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return case


SORTS = {
    "received_at": Case.received_at,
    "feedback_due": Case.feedback_due,
    "updated_at": Case.updated_at,
    "code": Case.code,
}


@dataclass
class CaseFilter:
    state: list[CaseState] | None = None
    demand_type: str | None = None
    urgency: str | None = None
    channel: str | None = None
    category_id: int | None = None
    category_ids: Sequence[int] | None = None
    division: str | None = None
    lead_unit_id: int | None = None
    overdue: bool | None = None
    warning: bool | None = None
    q: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None


def _filtered(statement: Select[Case], f: CaseFilter) -> Select[Case]:
    if f.state:
        statement = statement.where(Case.state.in_(f.state))
    for column, value in (
        (Case.demand_type, f.demand_type),
        (Case.urgency, f.urgency),
        (Case.channel, f.channel),
        (Case.lead_unit_id, f.lead_unit_id),
        (Case.overdue, f.overdue),
        (Case.warning, f.warning),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if f.category_ids is not None:
        statement = statement.where(Case.category_id.in_(f.category_ids))
    if f.division:
        statement = statement.where(Case.division_code.startswith(f.division, autoescape=True))
    if f.q:
        statement = statement.where(Case.title.contains(f.q, autoescape=True) | (Case.code == f.q))
    if f.received_from:
        statement = statement.where(Case.received_at >= f.received_from)
    if f.received_to:
        statement = statement.where(Case.received_at < f.received_to)
    return statement


def list_readable(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    *,
    sort: str = "-received_at",
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Case], int]:
    statement = _filtered(readable_cases(actor), f)
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), Case.received_at)
    order = column.desc() if descending else column.asc()
    rows = (
        session.execute(statement.order_by(order, Case.id.desc()).limit(limit).offset(offset)).scalars().all()
    )
    return rows, int(total)


def unlocated(actor: Actor) -> Select[Case]:
    """待定位: the received demands with no place yet that the actor may read, oldest first."""
    return (
        readable_cases(actor)
        .where(Case.division_code.is_(None), Case.state == CaseState.received)
        .order_by(Case.received_at, Case.id)
    )


def list_unlocated(session: Session, actor: Actor, *, limit: int, offset: int) -> tuple[Sequence[Case], int]:
    statement = unlocated(actor)
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    return session.execute(statement.limit(limit).offset(offset)).scalars().all(), int(total)


def events_of(session: Session, case_id: int) -> Sequence[CaseEvent]:
    return (
        session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
        .scalars()
        .all()
    )


def assignments_of(session: Session, case_id: int) -> Sequence[CaseAssignment]:
    return (
        session.execute(
            select(CaseAssignment).where(CaseAssignment.case_id == case_id).order_by(CaseAssignment.id)
        )
        .scalars()
        .all()
    )


def links_of(session: Session, case_id: int) -> Sequence[tuple[CaseLink, str]]:
    other = select(Case.code).where(Case.id == CaseLink.other_case_id).scalar_subquery()
    rows = session.execute(
        select(CaseLink, other).where(CaseLink.case_id == case_id).order_by(CaseLink.id)
    ).all()
    return [(link, code) for link, code in rows]
