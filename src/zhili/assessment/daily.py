"""The precomputed part of the assessment: whole days of ``assessment_daily_sums``.

Triggers on ``cases`` (migration 0032) keep one row per (lead unit, closure kind, day of ``closed_at``)
with the counts of the cases closed that day. The day is taken in UTC+8 (``OFFSET``): Beijing's, where
the city's 12345 runs, and China keeps no daylight saving time, so every Beijing month or date range is
whole days and is summed from about 50 k small rows without reading a case. In another
``ZHILI_TIMEZONE``, ``aggregates.lead_sums`` still reads the cases of the part days at a period's edges.

``rebuild`` recounts the table from the cases, for a bulk load that bypassed the triggers
(PostgreSQL ``session_replication_role = replica``); ``zhili assess rebuild-daily`` runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, case, cast, delete, func, insert, literal_column, select
from sqlalchemy.orm import Session

from zhili.assessment.models import DailySums
from zhili.cases.models import Case
from zhili.cases.states import CaseState, ClosureKind, Satisfaction

OFFSET = timedelta(hours=8)  # a row's day is the date of closed_at + OFFSET (migration 0032)
Span = tuple[datetime, datetime]


def split(start: datetime, end: datetime) -> tuple[tuple[date, date] | None, list[Span]]:
    """[start, end) as whole days [first, last) of the table and the part days left at its edges."""
    shifted_start, shifted_end = start.astimezone(UTC) + OFFSET, end.astimezone(UTC) + OFFSET
    first = shifted_start.date()
    if shifted_start.time() != time():
        first += timedelta(days=1)
    last = shifted_end.date()
    if first >= last:
        return None, [(start, end)]
    edges = [(start, _day_start(first)), (_day_start(last), end)]
    return (first, last), [(lo, hi) for lo, hi in edges if lo < hi]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC) - OFFSET


def day_rows(
    session: Session, unit_ids: Sequence[int], kinds: Sequence[ClosureKind], days: tuple[date, date]
) -> list[tuple[Any, ...]]:
    """Rows of (unit_id, closure_kind, cases, responded, answered, solved, rated, satisfied, basic,
    reopens) over the days, as ``aggregates._fold`` reads them. As in the live query, a case closed
    through the lifecycle counts as answered and rated (the lifecycle closes it only after a complete
    回访), so those two counts are given only for imported cases."""
    d = DailySums
    query = (
        select(
            d.lead_unit_id,
            d.closure_kind,
            func.sum(d.cases),
            func.sum(d.responded),
            func.sum(d.answered),
            func.sum(d.solved),
            func.sum(d.rated),
            func.sum(d.satisfied),
            func.sum(d.basic),
            func.sum(d.reopens),
        )
        .where(
            d.lead_unit_id.in_(unit_ids),  # leads the key: one range per unit and kind, read in order
            d.closure_kind.in_(kinds),
            d.day >= days[0],
            d.day < days[1],
        )
        .group_by(d.lead_unit_id, d.closure_kind)
    )
    rows: list[tuple[Any, ...]] = []
    for row in session.execute(query):
        values: list[Any] = list(row)
        if values[1] != ClosureKind.imported:
            values[4] = values[6] = None  # answered, rated
        rows.append(tuple(values))
    return rows


def _flag(condition: ColumnElement[bool]) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _day(session: Session, column: Any) -> Any:
    """The SQL of a row's day, as the triggers compute it."""
    hours = int(OFFSET.total_seconds()) // 3600
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column, f"+{hours} hours")  # stored as UTC text
    return cast(func.timezone("UTC", column) + literal_column(f"interval '{hours} hours'"), Date)


def rebuild(session: Session) -> int:
    """Recount the whole table from the cases (the triggers' result, in one statement); rows written."""
    c = Case
    day = _day(session, c.closed_at)
    counts = select(
        c.lead_unit_id,
        c.closure_kind,
        day,
        func.count(),
        _flag(c.contact_due.is_(None) | (c.contacted_at <= c.contact_due)),
        func.count(c.visit_solved),
        _flag(c.visit_solved.is_(True)),
        func.count(c.satisfaction),
        _flag(c.satisfaction == Satisfaction.satisfied),
        _flag(c.satisfaction == Satisfaction.basically_satisfied),
        func.coalesce(func.sum(c.reopen_count), 0),
    ).where(
        c.state == CaseState.closed,
        c.lead_unit_id.is_not(None),
        c.closure_kind.is_not(None),
        c.closed_at.is_not(None),
    )
    counts = counts.group_by(c.lead_unit_id, c.closure_kind, day)
    d = DailySums
    columns = [
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
    ]
    session.execute(delete(DailySums))
    session.execute(insert(DailySums).from_select([col.key for col in columns], counts))
    return int(session.execute(select(func.count()).select_from(DailySums)).scalar_one())
