"""The 三率 league-table page: a published month's ranking per league, the cases behind a rate
(drill-down, scoped), and a unit's composite and rank over twelve months.

The page reads through the same functions as the JSON API (``assessment.reports``) and embeds the
numbers for the ECharts it draws; the same permission as the API.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.assessment import periods, reports, repository
from zhili.assessment.drilldown import RATES
from zhili.assessment.models import LEAGUE_LABELS, League
from zhili.assessment.policy import AssessmentReader
from zhili.assessment.schemas import LeagueOut, RowOut
from zhili.cases.states import SATISFACTION_LABELS
from zhili.deps import DbSession, SettingsDep
from zhili.errors import NotFound, ValidationFailed
from zhili.kernel import months
from zhili.kernel.clock import local_today
from zhili.kernel.picker import Candidate, score
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
FilterQ = Annotated[str, Query(max_length=40, description="单位名称、拼音首字母或编码")]


def _default_month(session: Session, settings: Settings) -> str:
    """The latest published month, or last month when nothing is published yet."""
    for run in repository.runs(session, None, 20):
        if run.monthly:
            return run.label
    return f"{months.shift(local_today(settings.timezone), -1):%Y-%m}"


def _unit_name(session: Session, code: str | None) -> str | None:
    return session.scalar(select(Unit.name).where(Unit.code == code)) if code else None


def _table(
    session: Session, period: periods.Period, league: League
) -> tuple[LeagueOut | None, list[RowOut], str]:
    """The published table, its rows with rank 1 first (unranked last), and why it is empty."""
    try:
        table = reports.published(session, period, league, None)
    except NotFound as missing:
        return None, [], missing.message
    rows = sorted(table.rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit_name))
    return table, rows, "" if rows else "该单位组本月没有考核结果"


def _filtered(rows: list[RowOut], q: str) -> list[RowOut]:
    """Units whose name or code matches ``q`` (Chinese words, pinyin initials or a code)."""
    if not q.strip():
        return rows
    return [r for r in rows if score(q, Candidate(r.unit_code, r.unit_name)) is not None]


@router.get("/dash/league.csv", response_class=Response)
def league_csv(
    session: DbSession,
    settings: SettingsDep,
    actor: AssessmentReader,
    month: MonthQ = None,
    league: League = League.street,
    q: FilterQ = "",
) -> Response:
    """The league table as shown (same month, group and filter), for Excel: UTF-8 with a BOM."""
    chosen = month or _default_month(session, settings)
    _, rows, _ = _table(session, periods.month(chosen), league)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["名次", "单位", "单位编码", "诉求量", "响应率", "解决率", "满意率", "综合得分"])
    for r in _filtered(rows, q):
        rates = [
            f"{v * 100:.1f}%" if v is not None else ""
            for v in (r.response_rate, r.resolution_rate, r.satisfaction_rate)
        ]
        composite = f"{r.composite:.2f}" if r.composite is not None else ""
        writer.writerow([r.rank or "", r.unit_name, r.unit_code, r.case_count, *rates, composite])
    name = quote(f"三率考核排名-{LEAGUE_LABELS[league]}-{chosen}.csv")
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.get("/dash/league", response_class=HTMLResponse)
def league_page(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    actor: AssessmentReader,
    month: MonthQ = None,
    league: League = League.street,
    unit: Annotated[str | None, Query(max_length=32)] = None,
    q: FilterQ = "",
) -> HTMLResponse:
    chosen = month or _default_month(session, settings)
    period = periods.month(chosen)
    table, all_rows, empty = _table(session, period, league)
    rows = _filtered(all_rows, q)
    if all_rows and not rows:
        empty = f"没有名称含「{q}」的单位"
    names = {r.unit_code: r.unit_name for r in all_rows}
    trend_unit = unit or (rows[0].unit_code if rows else None)
    first = f"{months.shift(period.start, 1 - TREND_MONTHS):%Y-%m}"
    trend = reports.unit_trend(session, trend_unit, first, chosen) if trend_unit else None
    trend_name = names.get(trend_unit or "") or _unit_name(session, trend_unit)
    context = {
        "month": chosen,
        "q": q.strip(),
        "total_rows": len(all_rows),
        "data_as_of": period.end - timedelta(days=1),
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
