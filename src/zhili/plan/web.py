"""The plan dashboard: every indicator's progress against its trajectory to 2025-12-31 (ECharts),
one indicator's history with an entry form, recomputation, and the evaluation report page."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from zhili.community.forms import form_data, parse
from zhili.deps import DbSession
from zhili.errors import NotFound
from zhili.plan import report, repository, service
from zhili.plan.api import today
from zhili.plan.policy import PlanEditor, PlanReader, can_edit_plan
from zhili.plan.schemas import ValueIn
from zhili.plan.views import progress_view
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/plan", response_class=HTMLResponse)
def dashboard(
    request: Request, session: DbSession, actor: PlanReader, as_of: Annotated[date | None, Query()] = None
) -> HTMLResponse:
    day = as_of or today(request)
    rows = [progress_view(row) for row in service.progress(session, day)]
    chart = {
        "names": [row["name"] for row in rows],
        "completion": [row["completion"] for row in rows],
        "expected": [row["expected_completion"] for row in rows],
    }
    context = {
        "rows": rows,
        "as_of": day,
        "chart": json.dumps(chart, ensure_ascii=False),
        "can_edit": can_edit_plan(actor),
    }
    return render(request, "plan/dashboard.html", context)


@router.post("/plan/recompute")
def recompute(request: Request, session: DbSession, actor: PlanEditor) -> Response:
    service.recompute(session, actor=actor.username, as_of=today(request))
    return see_other(request, "/plan")


@router.get("/plan/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    session: DbSession,
    _actor: PlanReader,
    year: Annotated[int, Query(ge=2021, le=2025)] = 2025,
) -> HTMLResponse:
    return render(request, "plan/report.html", {"report": report.build(session, year, today(request))})


@router.get("/plan/{code}", response_class=HTMLResponse)
def indicator_page(request: Request, code: str, session: DbSession, actor: PlanReader) -> HTMLResponse:
    rows = {row.indicator.code: row for row in service.progress(session, today(request))}
    if code not in rows:
        raise NotFound(f"未知的规划指标：{code}")
    row = rows[code]
    history = repository.history(session, code)
    indicator = row.indicator
    points = sorted({indicator.baseline_on, indicator.deadline, *(v.as_of for v in history)})
    chart = {
        "dates": [d.isoformat() for d in points],
        "trajectory": [service.expected_on(indicator, d) for d in points],
        "values": [next((v.value for v in history if v.as_of == d), None) for d in points],
        "target": indicator.target,
        "unit": indicator.unit,
    }
    context = {
        "row": progress_view(row),
        "history": history,
        "chart": json.dumps(chart, ensure_ascii=False),
        "can_edit": can_edit_plan(actor) and indicator.method.value == "entered",
    }
    return render(request, "plan/indicator.html", context)


@router.post("/plan/{code}/values")
async def enter_value(request: Request, code: str, session: DbSession, actor: PlanEditor) -> Response:
    body = parse(ValueIn, await form_data(request))
    service.enter_value(
        session,
        actor=actor.username,
        code=code,
        as_of=body.as_of,
        value=body.value,
        evidence=body.evidence,
    )
    return see_other(request, f"/plan/{code}")
