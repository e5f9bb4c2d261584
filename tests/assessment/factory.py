"""Explicit helpers for assessment tests (``assessment.factory``): cases made as rows with the exact
times a rule needs.

Cases default to a clean success in October 2026 (contacted in time, 回访 solved and 满意, closed);
each test changes only what its rule is about. Times are UTC; October 2026 in Beijing is
2026-09-30 16:00 UTC to 2026-10-31 16:00 UTC.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.assessment import periods
from zhili.assessment.config import Rules
from zhili.assessment.models import Appeal, AppealStatus
from zhili.assessment.scoring import UnitScore
from zhili.assessment.service import compute
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction
from zhili.taxonomy.enums import Channel, DemandType
from zhili.units.models import Unit

TZ = ZoneInfo("Asia/Shanghai")
OCT = periods.month("2026-10")
SEP = periods.month("2026-09")
DAY = datetime(2026, 10, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing on 15 October
_SEQ = itertools.count(1)

# Rules with nothing extra: the defaults, without co-unit weight surprises unless a test asks.
BASE = Rules()


def unit_id(session: Session, code: str) -> int:
    return int(session.execute(select(Unit.id).where(Unit.code == code)).scalar_one())


def make_case(
    session: Session,
    unit: str | None,
    *,
    closed_at: datetime | None = DAY,
    received_at: datetime | None = None,
    late: bool = False,
    contacted: bool = True,
    solved: bool | None = True,
    satisfaction: Satisfaction | None = Satisfaction.satisfied,
    closure: ClosureKind | None = ClosureKind.handled,
    state: CaseState = CaseState.closed,
    reopens: int = 0,
    merged_into: Case | None = None,
    demand_type: DemandType = DemandType.complaint,
    division: str = "110105026",
) -> Case:
    received = received_at or (closed_at or DAY) - timedelta(days=3)
    due = received + timedelta(hours=24)
    case = Case(
        code=f"T{next(_SEQ):010d}",
        demand_type=demand_type,
        channel=Channel.phone,
        title="测试诉求",
        description="用于考核测试的诉求",
        state=state,
        version=1,
        lead_unit_id=unit_id(session, unit) if unit else None,
        received_at=received,
        updated_at=received,
        created_by="test",
        division_code=division,
        dispatched_at=received if unit else None,
        contact_due=due if unit and closure != ClosureKind.direct else None,
        contacted_at=(due + timedelta(hours=1) if late else due - timedelta(hours=2))
        if unit and contacted
        else None,
        closed_at=closed_at if state == CaseState.closed else None,
        closure_kind=closure if state == CaseState.closed else None,
        visit_solved=solved,
        satisfaction=satisfaction,
        reopen_count=reopens,
        merged_into_id=merged_into.id if merged_into else None,
    )
    session.add(case)
    session.flush()
    return case


def call_co(
    session: Session,
    case: Case,
    unit: str,
    *,
    late: bool = False,
    checked_in: bool = True,
    released: bool = False,
) -> CaseAssignment:
    due = case.received_at + timedelta(hours=2)
    assignment = CaseAssignment(
        case_id=case.id,
        unit_id=unit_id(session, unit),
        role=AssignmentRole.co,
        status=AssignmentStatus.released
        if released
        else (AssignmentStatus.reported if checked_in else AssignmentStatus.called),
        assigned_at=case.received_at,
        case_received_at=case.received_at,
        checkin_due=due,
        checked_in_at=(due + timedelta(minutes=30) if late else due - timedelta(minutes=30))
        if checked_in
        else None,
    )
    session.add(assignment)
    session.flush()
    return assignment


def appeal(session: Session, case: Case, unit: str, status: AppealStatus) -> Appeal:
    row = Appeal(
        case_id=case.id,
        unit_id=unit_id(session, unit),
        status=status,
        reason="非本单位职责",
        evidence="见现场照片",
        created_by="test",
        created_at=DAY,
    )
    session.add(row)
    session.flush()
    return row


def scores(session: Session, rules: Rules = BASE, period: periods.Period = OCT) -> dict[str, UnitScore]:
    return {row.unit_code: row for row in compute(session, period, rules, TZ)}


def rates(row: UnitScore) -> tuple[Any, ...]:
    return (row.response_rate, row.resolution_rate, row.satisfaction_rate, row.checkin_rate)
