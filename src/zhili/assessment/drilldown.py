"""Drill-down: the cases behind one unit's rate, each with what it contributed, so that every number
in a league table can be explained case by case.

Reads go through the scoped ``readable_cases(actor)``: a unit sees its own cases only. The output
carries codes, times and 回访 outcomes, never personal data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import Session, aliased

from zhili.assessment.aggregates import assessed_clause, excluded_statuses
from zhili.assessment.config import Rules
from zhili.assessment.models import Appeal
from zhili.assessment.schemas import CaseLineOut
from zhili.auth.scope import Actor
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.repository import readable_cases
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction
from zhili.kernel.clock import utcnow

RATES: tuple[str, ...] = ("response", "resolution", "satisfaction", "checkin", "excluded")


def _not_appealed(case_id: Any, unit_id: Any, rules: Rules) -> ColumnElement[bool]:
    return ~exists().where(
        Appeal.case_id == case_id, Appeal.unit_id == unit_id, Appeal.status.in_(excluded_statuses(rules))
    )


def _line(
    case: Case, outcome: Case, counted: float, credit: float, merged_into: str | None = None
) -> CaseLineOut:
    return CaseLineOut(
        code=case.code,
        merged_into=merged_into,
        closure_kind=outcome.closure_kind.value if outcome.closure_kind else None,
        received_at=case.received_at,
        closed_at=outcome.closed_at,
        contact_due=outcome.contact_due,
        contacted_at=outcome.contacted_at,
        checkin_due=None,
        checked_in_at=None,
        visit_solved=outcome.visit_solved,
        satisfaction=outcome.satisfaction.value if outcome.satisfaction else None,
        reopen_count=outcome.reopen_count,
        counted=counted,
        credit=credit,
    )


def contribution(case: Case, rate: str, rules: Rules) -> tuple[float, float]:
    """(denominator, numerator) that one case adds to a lead unit's rate, by the same rules as scoring."""
    rounds = case.reopen_count if rules.reopen == "each" else 0
    kind = case.closure_kind
    if rate == "response":
        ok = case.contact_due is None or (
            case.contacted_at is not None and case.contacted_at <= case.contact_due
        )
        return 1, 1 if ok else 0
    if kind == ClosureKind.direct:
        return 1 + rounds, 1
    if kind == ClosureKind.unreachable:
        if rules.unreachable == "exclude":
            return rounds, 0
        return 1 + rounds, 1 if rules.unreachable == "solved" else 0
    # A case closed as handled always had a complete 回访 (the scan counts it without looking).
    answered = kind == ClosureKind.handled
    if rate == "resolution":
        if case.visit_solved is None and not answered:
            return rounds, 0
        return 1 + rounds, 1 if case.visit_solved else 0
    if case.satisfaction is None and not answered:
        return rounds, 0
    credit = {Satisfaction.satisfied: 1.0, Satisfaction.basically_satisfied: rules.partial_credit}
    return 1 + rounds, credit.get(case.satisfaction, 0.0) if case.satisfaction else 0.0


def lead_lines(
    session: Session, actor: Actor, unit_id: int, rate: str, rules: Rules, start: datetime, end: datetime
) -> list[CaseLineOut]:
    own = readable_cases(actor).where(Case.lead_unit_id == unit_id, assessed_clause(Case, rules, start, end))
    if rate == "excluded":
        own = own.where(
            exists().where(
                Appeal.case_id == Case.id,
                Appeal.unit_id == unit_id,
                Appeal.status.in_(excluded_statuses(rules)),
            )
        )
        return [_line(c, c, 0, 0) for c in session.execute(own.order_by(Case.code)).scalars()]
    own = own.where(_not_appealed(Case.id, unit_id, rules))
    lines = []
    for case in session.execute(own.order_by(Case.code)).scalars():
        counted, credit = contribution(case, rate, rules)
        lines.append(_line(case, case, counted, credit))
    if not rules.exclude_merged:
        primary = aliased(Case, name="p")
        merged = (
            readable_cases(actor)
            .join(primary, primary.id == Case.merged_into_id)
            .add_columns(primary)
            .where(
                Case.state == CaseState.merged,
                primary.lead_unit_id == unit_id,
                assessed_clause(primary, rules, start, end),
                _not_appealed(primary.id, unit_id, rules),
            )
            .order_by(Case.code)
        )
        for dup, main in session.execute(merged).all():
            counted, credit = contribution(main, rate, rules)
            lines.append(_line(dup, main, counted, credit, merged_into=main.code))
    return lines


def co_lines(
    session: Session, actor: Actor, unit_id: int, rules: Rules, start: datetime, end: datetime
) -> list[CaseLineOut]:
    """The unit's 吹哨报到 calls scored in the period, by the same rule as ``aggregates.co_sums``."""
    now = utcnow()
    # An alias: the scoped statement may itself look at case_assignments (a unit's own cases).
    a = aliased(CaseAssignment, name="call")
    decided = (a.checked_in_at.is_not(None)) | (
        (a.checkin_due <= now) & (a.status != AssignmentStatus.released)
    )
    query = (
        readable_cases(actor)
        .join(a, and_(a.case_id == Case.id, a.unit_id == unit_id))
        .add_columns(a)
        .where(
            a.role == AssignmentRole.co,
            a.checkin_due >= start,
            a.checkin_due < end,
            decided,
            _not_appealed(Case.id, unit_id, rules),
        )
        .order_by(Case.code)
    )
    lines = []
    for case, assignment in session.execute(query).all():
        on_time = assignment.checked_in_at is not None and (
            assignment.checkin_due is None or assignment.checked_in_at <= assignment.checkin_due
        )
        line = _line(case, case, 1, 1 if on_time else 0)
        line.checkin_due, line.checked_in_at = assignment.checkin_due, assignment.checked_in_at
        lines.append(line)
    return lines


def lines_for(
    session: Session, actor: Actor, unit_id: int, rate: str, rules: Rules, start: datetime, end: datetime
) -> list[CaseLineOut]:
    if rate == "checkin":
        return co_lines(session, actor, unit_id, rules, start, end)
    return lead_lines(session, actor, unit_id, rate, rules, start, end)
