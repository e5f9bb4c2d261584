"""Every read of a case goes through ``readable_cases(actor)``: one scoped statement.

A case is readable when it lies inside the actor's jurisdiction, or when the actor's unit leads it or
was called in to it (吹哨, a co-unit's assignment not released). A unit's lead assignment needs no
branch of its own: while it is not released it names the case's ``lead_unit_id`` (dispatch sets both,
and only an approved return, which releases every assignment, clears the lead).

A case with no place yet (待定位: the address could not be resolved, or lies outside the city) is
readable by the operators and dispatchers of the centre that took it in and by the staff member who
took it, so that no demand is ever out of everyone's sight. A case outside the scope is
indistinguishable from one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, literal_column, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case, CaseAssignment, CaseEvent, CaseLink
from zhili.cases.policy import sees_centre_unlocated, sees_own_unlocated
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState
from zhili.errors import NotFound

NOT_FOUND_MESSAGE = "诉求不存在或不在您的辖区内"


def readable_cases(actor: Actor) -> Select[Case]:
    scope = readable(actor)
    if scope.everything:
        return select(Case)
    conditions: list[Any] = [scope.clause(Case.division_code)] if scope.division_codes else []
    if actor.unit_id is not None:
        conditions.append(Case.lead_unit_id == actor.unit_id)
        conditions.append(exists().where(CaseAssignment.case_id == Case.id, called_in(actor.unit_id)))
    unlocated = []
    if actor.unit_id is not None and sees_centre_unlocated(actor):
        unlocated.append(Case.receiving_unit_id == actor.unit_id)
    if sees_own_unlocated(actor):
        unlocated.append(Case.created_by == actor.username)
    if unlocated:
        conditions.append(and_(Case.division_code.is_(None), or_(*unlocated)))
    return select(Case).where(or_(*conditions) if conditions else false())


def called_in(unit_id: int) -> ColumnElement[bool]:
    """The unit's co-unit assignments still at work: what ``ix_case_assignments_co_recent`` holds."""
    return and_(
        CaseAssignment.unit_id == unit_id,
        CaseAssignment.role == AssignmentRole.co,
        CaseAssignment.status != AssignmentStatus.released,
    )


@dataclass(frozen=True)
class Branch:
    condition: ColumnElement[bool]
    # False: no index on ``cases`` gives this branch's cases in the list's order; a page reads all
    # of the branch and sorts them, unless ``called_unit`` serves it.
    ordered: bool = True
    # The cases this unit is called into: read through its assignments (``ix_case_assignments_co_
    # recent``), in received_at order when the list is in that order.
    called_unit: int | None = None


def readable_branches(actor: Actor) -> list[Branch] | None:
    """``readable_cases(actor)`` as separate conditions whose union is the same set of cases, each of
    which one index serves in ``received_at`` order (migration 0022), so that a page of a list is a
    few short index ranges however large the table. None: the actor reads everything.

    A scope code of 6 or 9 digits (a district, a street) is matched on the first digits of the
    division code, a 12-digit code exactly; other lengths keep the prefix match.
    """
    scope = readable(actor)
    if scope.everything:
        return None
    branches = [Branch(_within(code)) for code in sorted(scope.division_codes)]
    if actor.unit_id is not None:
        branches.append(Branch(Case.lead_unit_id == actor.unit_id))
        called = select(CaseAssignment.case_id).where(called_in(actor.unit_id))
        branches.append(Branch(Case.id.in_(called), ordered=False, called_unit=actor.unit_id))
    if actor.unit_id is not None and sees_centre_unlocated(actor):
        branches.append(Branch(and_(Case.division_code.is_(None), Case.receiving_unit_id == actor.unit_id)))
    if sees_own_unlocated(actor):
        branches.append(Branch(and_(Case.division_code.is_(None), Case.created_by == actor.username)))
    return branches


PREFIX_LENGTHS = (6, 9)  # ix_cases_district_recent, ix_cases_street_recent
DIVISION_CODE_LENGTH = 12


def _within(code: str) -> ColumnElement[bool]:
    """The division code starts with ``code``, written the way an index of migration 0022 reads it."""
    if len(code) in PREFIX_LENGTHS:
        return func.substr(Case.division_code, literal_column("1"), literal_column(str(len(code)))) == code
    if len(code) == DIVISION_CODE_LENGTH:
        return Case.division_code == code
    return Case.division_code.startswith(code, autoescape=True)


def get_readable(session: Session, actor: Actor, code: str, *, for_update: bool = False) -> Case:
    statement = readable_cases(actor).where(Case.code == code)
    if for_update:
        statement = statement.with_for_update()
    case = session.scalars(statement).one_or_none()
    if case is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return case


def unlocated(actor: Actor) -> Select[Case]:
    """待定位: the received demands with no place yet that the actor may read, oldest first."""
    return (
        readable_cases(actor)
        .where(Case.division_code.is_(None), Case.state == CaseState.received)
        .order_by(Case.received_at, Case.id)
    )


def list_unlocated(session: Session, actor: Actor, *, limit: int, offset: int) -> tuple[Sequence[int], int]:
    """One page of ``unlocated``: the cases' ids, and how many there are in all."""
    statement = unlocated(actor)
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    page = statement.with_only_columns(Case.id).limit(limit).offset(offset)
    return session.execute(page).scalars().all(), int(total)


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


def is_co_unit(session: Session, actor: Actor, case: Case) -> bool:
    """Whether the actor's unit was called in (吹哨) on the case and still works on it."""
    if actor.unit_id is None:
        return False
    row = session.execute(
        select(CaseAssignment.id).where(CaseAssignment.case_id == case.id, called_in(actor.unit_id))
    ).first()
    return row is not None
