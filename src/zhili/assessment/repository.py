"""Reads of published runs and their rows (frozen data: no case is read here)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.assessment.models import AssessmentResult, AssessmentRun, League
from zhili.assessment.periods import Period
from zhili.errors import NotFound
from zhili.units.models import Unit, UnitKind


def assessed_units(session: Session) -> Sequence[tuple[int, str, str, UnitKind]]:
    """Every unit that can lead a case (all kinds but the hotline centres)."""
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind)
        .where(Unit.kind != UnitKind.hotline_centre)
        .order_by(Unit.id)
    ).all()
    return [(int(i), code, name, kind) for i, code, name, kind in rows]


def next_version(session: Session, period: Period) -> int:
    current = session.execute(
        select(func.max(AssessmentRun.version)).where(
            AssessmentRun.period_start == period.start, AssessmentRun.period_end == period.end
        )
    ).scalar_one()
    return int(current or 0) + 1


def latest_run(session: Session, period: Period, version: int | None = None) -> AssessmentRun | None:
    query = select(AssessmentRun).where(
        AssessmentRun.period_start == period.start, AssessmentRun.period_end == period.end
    )
    if version is not None:
        query = query.where(AssessmentRun.version == version)
    return session.execute(query.order_by(AssessmentRun.version.desc()).limit(1)).scalar_one_or_none()


def run_for(session: Session, period: Period, version: int | None = None) -> AssessmentRun:
    run = latest_run(session, period, version)
    if run is None:
        which = f"第 {version} 版" if version else "任何版本"
        raise NotFound(f"考核期 {period.label} 尚未发布{which}的考核结果（先运行 zhili assess run）")
    return run


def get_run(session: Session, run_id: int) -> AssessmentRun:
    run = session.get(AssessmentRun, run_id)
    if run is None:
        raise NotFound(f"考核结果 {run_id} 不存在")
    return run


def runs(session: Session, label: str | None = None, limit: int = 100) -> Sequence[AssessmentRun]:
    query = select(AssessmentRun)
    if label:
        query = query.where(AssessmentRun.label == label)
    order = (AssessmentRun.period_start.desc(), AssessmentRun.version.desc())
    return session.execute(query.order_by(*order).limit(limit)).scalars().all()


def results(session: Session, run_id: int, league: League | None = None) -> Sequence[AssessmentResult]:
    query = select(AssessmentResult).where(AssessmentResult.run_id == run_id)
    if league:
        query = query.where(AssessmentResult.league == league)
    # Ranked rows first by rank, then the unranked ones.
    order = (
        AssessmentResult.league,
        AssessmentResult.rank.is_(None),
        AssessmentResult.rank,
        AssessmentResult.case_count.desc(),
        AssessmentResult.unit_code,
    )
    return session.execute(query.order_by(*order)).scalars().all()


def previous_positions(session: Session, run_id: int) -> dict[int, tuple[int | None, float | None]]:
    rows = session.execute(
        select(AssessmentResult.unit_id, AssessmentResult.rank, AssessmentResult.composite).where(
            AssessmentResult.run_id == run_id
        )
    ).all()
    return {int(u): (rank, points) for u, rank, points in rows}


def latest_monthly_runs(session: Session, first: Period, last: Period) -> Sequence[AssessmentRun]:
    """The newest version of each published month from ``first`` to ``last``, oldest first."""
    newest = (
        select(AssessmentRun.period_start, func.max(AssessmentRun.version).label("version"))
        .where(
            AssessmentRun.monthly.is_(True),
            AssessmentRun.period_start >= first.start,
            AssessmentRun.period_start <= last.start,
        )
        .group_by(AssessmentRun.period_start)
        .subquery()
    )
    query = (
        select(AssessmentRun)
        .join(
            newest,
            (newest.c.period_start == AssessmentRun.period_start)
            & (newest.c.version == AssessmentRun.version),
        )
        .where(AssessmentRun.monthly.is_(True))
        .order_by(AssessmentRun.period_start)
    )
    return session.execute(query).scalars().all()


def unit_rows(session: Session, unit_id: int, run_ids: Sequence[int]) -> dict[int, AssessmentResult]:
    if not run_ids:
        return {}
    rows = session.execute(
        select(AssessmentResult).where(
            AssessmentResult.unit_id == unit_id, AssessmentResult.run_id.in_(run_ids)
        )
    ).scalars()
    return {row.run_id: row for row in rows}
