"""The 三率 league-table page: a published month's ranking per league, the cases behind a rate
(drill-down, scoped), and a unit's composite and rank over twelve months.

The page reads through the same functions as the JSON API (``assessment.reports``) and embeds the
numbers for the ECharts it draws; the same permission as the API.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.assessment import periods, reports, repository
from zhili.assessment.drilldown import RATES
from zhili.assessment.models import LEAGUE_LABELS, League
from zhili.assessment.policy import AssessmentReader
from zhili.assessment.schemas import LeagueOut
from zhili.cases.states import SATISFACTION_LABELS
from zhili.deps import DbSession, SettingsDep
from zhili.errors import NotFound, ValidationFailed
from zhili.kernel import months
from zhili.kernel.clock import local_today
from zhili.settings import Settings
from zhili.units.models import Unit
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)

RATE_LABELS = {
    "response": "响应率",
    "resolution": "解决率",
    "satisfaction": "满意率",
    "checkin": "报到率",
    "excluded": "免责",
}
TREND_MONTHS = 12
MonthQ = Annotated[str | None, Query(max_length=7)]


def _default_month(session: Session, settings: Settings) -> str:
    """The latest published month, or last month when nothing is published yet."""
    for run in repository.runs(session, None, 20):
        if run.monthly:
            return run.label
    return f"{months.shift(local_today(settings.timezone), -1):%Y-%m}"


def _unit_name(session: Session, code: str | None) -> str | None:
    return session.scalar(select(Unit.name).where(Unit.code == code)) if code else None


@router.get("/dash/league", response_class=HTMLResponse)
def league_page(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    actor: AssessmentReader,
    month: MonthQ = None,
    league: League = League.street,
    unit: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    chosen = month or _default_month(session, settings)
    period = periods.month(chosen)
    table: LeagueOut | None = None
    try:
        table = reports.published(session, period, league, None)
        empty = "" if table.rows else "该单位组本月没有考核结果"
    except NotFound as missing:
        empty = missing.message
    rows = table.rows if table else []
    names = {r.unit_code: r.unit_name for r in rows}
    trend_unit = unit or (rows[0].unit_code if rows else None)
    first = f"{months.shift(period.start, 1 - TREND_MONTHS):%Y-%m}"
    trend = reports.unit_trend(session, trend_unit, first, chosen) if trend_unit else None
    trend_name = names.get(trend_unit or "") or _unit_name(session, trend_unit)
    context = {
        "month": chosen,
        "league": league,
        "leagues": LEAGUE_LABELS,
        "table": table,
        "rows": rows,
        "empty": empty,
        "rate_labels": RATE_LABELS,
        "trend_unit": trend_unit,
        "trend_name": trend_name,
        "trend_json": json.dumps(
            [p.model_dump() for p in trend.points] if trend else [], ensure_ascii=False, default=str
        ),
    }
    return render(request, "dash/league.html", context)


@router.get("/dash/league/drill", response_class=HTMLResponse)
def league_drill(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    actor: AssessmentReader,
    unit: Annotated[str, Query(max_length=32)],
    rate: Annotated[str, Query(max_length=16)],
    month: Annotated[str, Query(max_length=7)],
) -> HTMLResponse:
    """The cases behind one rate (the assessment drill-down, scoped to what the user may read)."""
    if rate not in RATES:
        raise ValidationFailed(f"rate 应为 {'/'.join(RATES)} 之一", field="rate")
    drill = reports.drill_down(session, actor, settings, periods.month(month), unit, rate, None, 200, 0)
    context = {
        "drill": drill,
        "rate_label": RATE_LABELS[rate],
        "unit_name": _unit_name(session, unit),
        "satisfaction": {str(k): v for k, v in SATISFACTION_LABELS.items()},
    }
    return render(request, "dash/_drill.html", context)
