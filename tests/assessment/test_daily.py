"""The per-day sums (migration 0032's triggers) give exactly what reading every case gives.

Random cases around the month's edges (Beijing midnight is 16:00 UTC) are closed, reopened, moved to
another unit or day, re-answered and deleted; after each step every period and every rule variant is
computed both ways, and the table the triggers keep equals a recount from the cases.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from assessment.factory import BASE, DAY, OCT, SEP, TZ, appeal, call_co, make_case
from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, JIUXIANQIAO, WANGJING
from zhili.assessment import daily, periods
from zhili.assessment.aggregates import CoSums, co_sums, excluded_statuses
from zhili.assessment.config import Rules
from zhili.assessment.models import Appeal, AppealStatus, DailySums
from zhili.assessment.service import compute, publish
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction
from zhili.kernel.clock import utcnow

UNITS = (WANGJING, JIUXIANQIAO, CHAOYANG_CGW, CHAOYANG_ENV)
# Closed times on both sides of each edge: 1 October and 1 November at 00:00 Beijing = 16:00 UTC.
EDGES = (OCT.bounds(TZ)[0], OCT.bounds(TZ)[1], DAY, DAY.replace(hour=16), DAY.replace(hour=15, minute=59))
PERIODS = (
    OCT,
    SEP,
    periods.date_range("2026-10-01", "2026-10-15"),
    periods.date_range("2026-10-14", "2026-10-16"),
    periods.date_range("2026-10-15", "2026-10-15"),
)
VARIANTS = (
    BASE,
    BASE.model_copy(update={"exclude_direct": False, "exclude_merged": False}),
    BASE.model_copy(update={"unreachable": "solved", "reopen": "once", "exclude_under_appeal": False}),
    BASE.model_copy(update={"unreachable": "unsolved", "basis": "received"}),
)


def _closed_at(rng: random.Random) -> Any:
    edge = rng.choice(EDGES)
    return edge + timedelta(minutes=rng.choice((-90, -1, 0, 1, 30)) + rng.randrange(3) * 1440)


def _make(session: Session, rng: random.Random) -> Case:
    kind = rng.choice(list(ClosureKind))
    state = rng.choices((CaseState.closed, CaseState.reported), (0.85, 0.15))[0]
    case = make_case(
        session,
        None if kind == ClosureKind.direct and rng.random() < 0.5 else rng.choice(UNITS),
        closed_at=_closed_at(rng),
        late=rng.random() < 0.3,
        contacted=rng.random() < 0.9,
        solved=rng.choice((True, False, None)),
        satisfaction=rng.choice((*Satisfaction, None)),
        closure=kind,
        state=state,
        reopens=rng.choice((0, 0, 1, 2)),
    )
    appealed_by: set[str] = set()
    if rng.random() < 0.1 and case.lead_unit_id is not None:
        appealed_by.add(rng.choice(UNITS))
    if rng.random() < 0.25:
        co_unit = rng.choice((CHAOYANG_ENV, JIUXIANQIAO))
        call_co(session, case, co_unit, late=rng.random() < 0.5)
        if rng.random() < 0.4:
            appealed_by.add(co_unit)  # the co-unit's 申诉 takes the call out of its 报到率
    for unit in sorted(appealed_by):
        appeal(session, case, unit, rng.choice(list(AppealStatus)))
    return case


def _change(session: Session, rng: random.Random, cases: list[Case]) -> None:
    """What the lifecycle does to closed cases: 重办, closing again later, 改派, a new 回访, deletion."""
    for case in rng.sample(cases, len(cases) // 3):
        step = rng.randrange(5)
        if step == 0:  # 重办: back to work, no longer closed
            case.state, case.closure_kind, case.closed_at = CaseState.reported, None, None
            case.reopen_count += 1
        elif step == 1:  # closed (again) on another day
            case.state, case.closure_kind = CaseState.closed, rng.choice(list(ClosureKind))
            case.closed_at = _closed_at(rng)
        elif step == 2 and case.lead_unit_id is not None:
            case.lead_unit_id = cases[rng.randrange(len(cases))].lead_unit_id or case.lead_unit_id
        elif step == 3:
            case.visit_solved = rng.choice((True, False, None))
            case.satisfaction = rng.choice((*Satisfaction, None))
            case.contacted_at = None if rng.random() < 0.3 else case.contacted_at
        else:
            session.flush()
            session.execute(delete(Case).where(Case.id == case.id))
            session.expunge(case)
            cases.remove(case)
    session.flush()


def _co_sums_as_before(session: Session, rules: Rules, now: datetime) -> dict[int, CoSums]:
    """The co-units' counts as they were computed before: the appeal looked up for every call."""
    start, end = OCT.bounds(TZ)
    a = aliased(CaseAssignment, name="a")
    on_time = and_(
        a.checked_in_at.is_not(None), or_(a.checkin_due.is_(None), a.checked_in_at <= a.checkin_due)
    )
    appealed = exists().where(
        Appeal.case_id == a.case_id, Appeal.unit_id == a.unit_id, Appeal.status.in_(excluded_statuses(rules))
    )
    query = (
        select(a.unit_id, func.count(), func.count().filter(on_time))
        .where(
            a.role == AssignmentRole.co,
            a.checkin_due >= start,
            a.checkin_due < end,
            or_(
                a.checked_in_at.is_not(None),
                and_(a.checkin_due <= now, a.status != AssignmentStatus.released),
            ),
            ~appealed,
        )
        .group_by(a.unit_id)
    )
    return {int(u): CoSums(int(n), int(ok or 0)) for u, n, ok in session.execute(query).all()}


def _both_ways_agree(session: Session) -> None:
    cells = [(period, BASE, TZ) for period in PERIODS] + [(OCT, rules, TZ) for rules in VARIANTS[1:]]
    # Elsewhere the days of the table are not local days: part days at the edges are read from the cases.
    cells += [(OCT, BASE, ZoneInfo("UTC")), (OCT, BASE, ZoneInfo("Europe/Berlin"))]  # Berlin: DST ends 25 Oct
    for period, rules, tz in cells:
        live = [asdict(r) for r in compute(session, period, rules, tz, live=True)]
        summed = [asdict(r) for r in compute(session, period, rules, tz)]
        assert summed == live, (period.label, rules, tz)
    now = utcnow()
    for rules in (BASE, VARIANTS[2]):
        start, end = OCT.bounds(TZ)
        assert co_sums(session, rules, start, end, now) == _co_sums_as_before(session, rules, now)


def _table(session: Session) -> set[tuple[Any, ...]]:
    d = DailySums
    rows = session.execute(
        select(
            d.lead_unit_id,
            d.closure_kind,
            d.day,
            d.cases,
            d.responded,
            d.answered,
            d.solved,
            d.rated,
            d.satisfied,
            d.basic,
            d.reopens,
        )
    ).all()
    return {tuple(row) for row in rows if any(row[3:])}


def test_per_day_sums_equal_reading_every_case_as_cases_change(session: Session) -> None:
    rng = random.Random(20261031)
    cases = [_make(session, rng) for _ in range(160)]
    merged = make_case(session, None, state=CaseState.merged, merged_into=cases[0])
    assert merged.closed_at is None
    _both_ways_agree(session)
    for _ in range(3):
        _change(session, rng, cases)
        _both_ways_agree(session)
    kept = _table(session)
    assert daily.rebuild(session) > 0
    assert _table(session) == kept


def test_a_published_month_is_the_same_either_way(session: Session) -> None:
    rng = random.Random(7)
    for _ in range(60):
        _make(session, rng)
    _, rows = publish(session, OCT, BASE, TZ, actor="test")
    live = compute(session, OCT, BASE, TZ, live=True)
    assert [(r.unit_id, r.rank, r.composite) for r in rows] == [
        (r.unit_id, r.rank, r.composite) for r in live
    ]


def test_rebuild_restores_what_a_load_without_triggers_left_out(session: Session) -> None:
    make_case(session, WANGJING)
    make_case(session, WANGJING, solved=False, satisfaction=Satisfaction.unsatisfied)
    session.execute(delete(DailySums))  # as after a COPY with the triggers off
    assert WANGJING not in {r.unit_code for r in compute(session, OCT, BASE, TZ)}
    daily.rebuild(session)
    assert [asdict(r) for r in compute(session, OCT, BASE, TZ)] == [
        asdict(r) for r in compute(session, OCT, BASE, TZ, live=True)
    ]
