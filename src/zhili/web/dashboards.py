"""Dashboard pages: the 三率 league tables (assessment) and the analytics overview.

Pages read through the same functions as the JSON APIs (``assessment.reports``, ``analytics.views``,
``analytics.warnings``, ``analytics.topics``, ``analytics.proactive``) and embed the numbers for the
ECharts drawn in the page; no SQL of their own, and the same role gates as the APIs.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.analytics import proactive, topics, views, warnings
from zhili.analytics.filters import Reach, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.policy import AnalystActor, TaskAssigner, can_assign_tasks
from zhili.analytics.service import engine
from zhili.assessment import periods, reports, repository
from zhili.assessment.drilldown import RATES
from zhili.assessment.models import LEAGUE_LABELS, League
from zhili.assessment.policy import AssessmentReader
from zhili.assessment.schemas import LeagueOut
from zhili.cases.states import SATISFACTION_LABELS
from zhili.deps import DbSession
from zhili.divisions.repository import latest_populations
from zhili.errors import NotFound, ValidationFailed
from zhili.kernel.clock import local_zone, utcnow
from zhili.settings import Settings
from zhili.units.models import Unit
from zhili.web.templating import render, toast_trigger

router = APIRouter(include_in_schema=False)

RATE_LABELS = {
    "response": "响应率",
    "resolution": "解决率",
    "satisfaction": "满意率",
    "checkin": "报到率",
    "excluded": "免责",
}
TREND_MONTHS = 12
TASK_DAYS = 14
MonthQ = Annotated[str | None, Query(max_length=7)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _today(settings: Settings) -> date:
    return utcnow().astimezone(local_zone(settings.timezone)).date()


def _shift(month_text: str, months: int) -> str:
    year, month = (int(p) for p in month_text.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _default_month(session: Session, settings: Settings) -> str:
    """The latest published month, or last month when nothing is published yet."""
    for run in repository.runs(session, None, 20):
        if run.monthly:
            return run.label
    return _shift(f"{_today(settings):%Y-%m}", -1)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# -- 三率考核排名 ---------------------------------------------------------------------------------------


@router.get("/dash/league", response_class=HTMLResponse)
def league_page(
    request: Request,
    session: DbSession,
    actor: AssessmentReader,
    month: MonthQ = None,
    league: League = League.street,
    unit: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    settings = _settings(request)
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
    first = _shift(chosen, 1 - TREND_MONTHS)
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
        "trend_json": _json([p.model_dump() for p in trend.points] if trend else []),
    }
    return render(request, "dash/league.html", context)


def _unit_name(session: Session, code: str | None) -> str | None:
    return session.scalar(select(Unit.name).where(Unit.code == code)) if code else None


@router.get("/dash/league/drill", response_class=HTMLResponse)
def league_drill(
    request: Request,
    session: DbSession,
    actor: AssessmentReader,
    unit: Annotated[str, Query(max_length=32)],
    rate: Annotated[str, Query(max_length=16)],
    month: Annotated[str, Query(max_length=7)],
) -> HTMLResponse:
    """The cases behind one rate (the assessment drill-down, scoped to what the user may read)."""
    if rate not in RATES:
        raise ValidationFailed(f"rate 应为 {'/'.join(RATES)} 之一", field="rate")
    drill = reports.drill_down(
        session, actor, _settings(request), periods.month(month), unit, rate, None, 200, 0
    )
    context = {
        "drill": drill,
        "rate_label": RATE_LABELS[rate],
        "unit_name": _unit_name(session, unit),
        "satisfaction": {str(k): v for k, v in SATISFACTION_LABELS.items()},
    }
    return render(request, "dash/_drill.html", context)


# -- 数据分析 -------------------------------------------------------------------------------------------


@router.get("/dash/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    session: DbSession,
    actor: AnalystActor,
    date_from: date | None = None,
    date_to: date | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    as_of: date | None = None,
    resolution: Annotated[int, Query(ge=5, le=9)] = 7,
) -> HTMLResponse:
    settings = _settings(request)
    e, reach, labels = engine(settings), Reach.of(actor), Labels(session)
    f = ViewFilter(date_from=date_from, date_to=date_to)
    today = _today(settings)
    chosen_month = month or f"{today:%Y-%m}"
    warning_day = as_of or today
    volume = views.volume(e, labels, reach, f, "month", 500)
    districts = views.district_choropleth(e, labels, reach, f, partial(latest_populations, session))
    cells = views.hex_cells(e, reach, f, resolution, 2000)
    context = {
        "f": f,
        "month": chosen_month,
        "as_of": warning_day,
        "resolution": resolution,
        "volume": volume,
        "total": sum(int(v["count"]) for v in volume),
        "districts": districts,
        "candidates": topics.candidates(e, labels, reach, chosen_month, 20),
        "warnings": warnings.early_warnings(e, labels, reach, warning_day),
        "can_task": can_assign_tasks(actor),
        "due": today + timedelta(days=TASK_DAYS),
        "volume_json": _json([[v["key"], v["count"]] for v in volume]),
        "without_population": [d["label"] or d["key"] for d in districts if d["per_10k"] is None],
        "districts_json": _json(
            [{"name": d["label"], "value": d["count"], "per10k": d["per_10k"]} for d in districts]
        ),
        "cells_json": _json([[c["lng"], c["lat"], c["count"]] for c in cells]),
    }
    return render(request, "dash/analytics.html", context)


@router.post("/dash/analytics/warning-task", response_class=HTMLResponse)
async def warning_task(request: Request, session: DbSession, actor: TaskAssigner) -> Response:
    """生成主动治理任务: the same service as ``POST /api/analytics/warnings/tasks``."""
    form = await request.form()
    street, category = str(form.get("street", "")), str(form.get("category", ""))
    as_of, due = _form_date(form.get("as_of"), "as_of"), _form_date(form.get("due"), "due")
    settings = _settings(request)
    task = proactive.task_from_warning(
        session, engine(settings), actor, street=street, category=category, as_of=as_of,
        due=due, note=None, tz=settings.timezone, now=utcnow(),
    )  # fmt: skip
    out = proactive.describe(session, task)
    response = render(request, "dash/_task_done.html", {"task": out}, status=201)
    response.headers["HX-Trigger"] = toast_trigger("已生成主动治理任务")
    return response


def _form_date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", field=field) from None
