"""What the ranking pages, trend charts and drill-down read: published runs first, live numbers on request."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zhili.assessment import repository
from zhili.assessment.config import Rules, active_rules
from zhili.assessment.drilldown import RATES, lines_for
from zhili.assessment.models import AssessmentResult, AssessmentRun, League
from zhili.assessment.periods import Period, month
from zhili.assessment.schemas import (
    DrillDownOut,
    LeagueOut,
    LeagueTrendPoint,
    TrendOut,
    TrendPoint,
)
from zhili.assessment.service import assessed_units, compare_with_previous, compute
from zhili.assessment.views import row_out, run_out
from zhili.auth.scope import Actor
from zhili.errors import ValidationFailed
from zhili.settings import Settings
from zhili.units.repository import get_by_code

MAX_TREND_MONTHS = 36


def published(session: Session, period: Period, league: League | None, version: int | None) -> LeagueOut:
    run = repository.run_for(session, period, version)
    rows = repository.results(session, run.id, league)
    return LeagueOut(run=run_out(run), period=period.label, league=league, rows=[row_out(r) for r in rows])


def live(session: Session, settings: Settings, period: Period, league: League | None) -> LeagueOut:
    """Computed now with the rules in force; nothing is stored."""
    rules, _ = active_rules(session, settings)
    tz = ZoneInfo(settings.timezone)
    units = assessed_units(session)
    rows = compute(session, period, rules, tz, units=units)
    compare_with_previous(session, period, rules, tz, rows, units)
    chosen = [r for r in rows if league is None or r.league == league]
    return LeagueOut(run=None, period=period.label, league=league, rows=[row_out(r) for r in chosen])


def _months(first: str, last: str) -> tuple[Period, Period]:
    start, end = month(first, "from"), month(last, "to")
    if end.start < start.start:
        raise ValidationFailed("结束月份不能早于开始月份", field="to")
    if (end.start.year - start.start.year) * 12 + end.start.month - start.start.month >= MAX_TREND_MONTHS:
        raise ValidationFailed(f"趋势最多 {MAX_TREND_MONTHS} 个月", field="to")
    return start, end


def unit_trend(session: Session, unit_code: str, first: str, last: str) -> TrendOut:
    unit = get_by_code(session, unit_code)
    runs = repository.latest_monthly_runs(session, *_months(first, last))
    rows = repository.unit_rows(session, unit.id, [r.id for r in runs])
    points = []
    for run in runs:
        row = rows.get(run.id)
        if row is None:
            continue
        points.append(
            TrendPoint(
                period=run.label,
                run_id=run.id,
                version=run.version,
                rank=row.rank,
                composite=row.composite,
                response_rate=row.response_rate,
                resolution_rate=row.resolution_rate,
                satisfaction_rate=row.satisfaction_rate,
                checkin_rate=row.checkin_rate,
                case_count=row.case_count,
                focus=row.focus,
            )
        )
    return TrendOut(unit_code=unit.code, points=points)


def _league_point(run: AssessmentRun, league: League, rows: Sequence[AssessmentResult]) -> LeagueTrendPoint:
    scored = [r.composite for r in rows if r.composite is not None and r.rank is not None]
    return LeagueTrendPoint(
        period=run.label,
        run_id=run.id,
        league=league,
        units=len(rows),
        cases=sum(r.case_count for r in rows),
        average_composite=round(sum(scored) / len(scored), 2) if scored else None,
        focus_units=[r.unit_code for r in rows if r.focus],
    )


def league_trend(session: Session, league: League, first: str, last: str) -> list[LeagueTrendPoint]:
    runs = repository.latest_monthly_runs(session, *_months(first, last))
    return [_league_point(run, league, repository.results(session, run.id, league)) for run in runs]


def drill_down(
    session: Session,
    actor: Actor,
    settings: Settings,
    period: Period,
    unit_code: str,
    rate: str,
    version: int | None,
    limit: int,
    offset: int,
) -> DrillDownOut:
    """The cases behind a rate, under the rules of the published run (or the rules in force)."""
    if rate not in RATES:
        raise ValidationFailed(f"rate 应为 {'/'.join(RATES)} 之一", field="rate")
    unit = get_by_code(session, unit_code)
    run = repository.latest_run(session, period, version)
    if version is not None and run is None:
        repository.run_for(session, period, version)  # raises the clear 404
    rules = Rules.model_validate_json(run.rules) if run else active_rules(session, settings)[0]
    start, end = period.bounds(ZoneInfo(settings.timezone))
    lines = lines_for(session, actor, unit.id, rate, rules, start, end)
    counted = sum(line.counted for line in lines)
    credit = sum(line.credit for line in lines)
    return DrillDownOut(
        period=period.label,
        unit_code=unit.code,
        rate=rate,
        run_id=run.id if run else None,
        total=len(lines),
        counted=counted,
        credit=credit,
        rate_value=credit / counted if counted and rate != "excluded" else None,
        items=lines[offset : offset + limit],
    )
