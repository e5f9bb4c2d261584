"""JSON routes for plan indicators: progress, history, entered values and recomputation."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request

from zhili.deps import DbSession
from zhili.errors import NotFound
from zhili.kernel.clock import local_today
from zhili.plan import repository, service
from zhili.plan.policy import PlanEditor, PlanReader
from zhili.plan.schemas import (
    IndicatorDetailOut,
    IndicatorOut,
    RecomputedOut,
    RecomputeIn,
    ValueEnteredOut,
    ValueIn,
)
from zhili.plan.views import progress_view
from zhili.settings import Settings

router = APIRouter(prefix="/api/plan", tags=["plan"])


def today(request: Request) -> date:
    """Today in the city's zone (ZHILI_TIMEZONE)."""
    settings: Settings = request.app.state.settings
    return local_today(settings.timezone)


@router.get("/indicators", response_model=list[IndicatorOut])
def list_indicators(
    request: Request, _actor: PlanReader, session: DbSession, as_of: date | None = None
) -> list[dict[str, Any]]:
    return [progress_view(row) for row in service.progress(session, as_of or today(request))]


@router.get("/indicators/{code}", response_model=IndicatorDetailOut)
def get_indicator(request: Request, code: str, _actor: PlanReader, session: DbSession) -> dict[str, Any]:
    rows = {row.indicator.code: row for row in service.progress(session, today(request))}
    if code not in rows:
        raise NotFound(f"未知的规划指标：{code}")
    history = [
        {
            "as_of": v.as_of.isoformat(),
            "value": v.value,
            "computed": v.computed,
            "evidence": v.evidence,
            "recorded_by": v.recorded_by,
        }
        for v in repository.history(session, code)
    ]
    return {**progress_view(rows[code]), "history": history}


@router.post("/indicators/{code}/values", status_code=201, response_model=ValueEnteredOut)
def enter_value(code: str, body: ValueIn, session: DbSession, actor: PlanEditor) -> dict[str, Any]:
    row = service.enter_value(
        session, actor=actor.username, code=code, as_of=body.as_of, value=body.value, evidence=body.evidence
    )
    return {"code": code, "as_of": row.as_of.isoformat(), "value": row.value}


@router.post("/recompute", response_model=RecomputedOut)
def recompute(request: Request, body: RecomputeIn, session: DbSession, actor: PlanEditor) -> dict[str, Any]:
    as_of = body.as_of or today(request)
    return {
        "as_of": as_of.isoformat(),
        "values": service.recompute(session, actor=actor.username, as_of=as_of),
    }
