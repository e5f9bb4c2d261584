"""JSON routes for patrol plans, patrols, field events, 核查 and the per-cell figures."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from pydantic import ValidationError

from zhili.cases.deps import CaseCtx
from zhili.deps import DbSession
from zhili.errors import ValidationFailed
from zhili.grid.patrols import repository as patrols
from zhili.grid.patrols import service
from zhili.grid.patrols.models import RESULT_LABELS, PatrolPlan, TaskStatus, VerificationTask
from zhili.grid.patrols.schemas import (
    CellFiguresOut,
    EventIn,
    FieldEventOut,
    PatrolEndedOut,
    PatrolEndIn,
    PatrolOut,
    PatrolPlanCreatedOut,
    PatrolPlanIn,
    PatrolPlanOut,
    PatrolStartedOut,
    PatrolStartIn,
    VerificationIn,
    VerificationResultIn,
    VerificationTaskOut,
)
from zhili.grid.policy import GridReader, GridWorker, VerificationRequester
from zhili.settings import Settings
from zhili.storage.images import check_photos

router = APIRouter(prefix="/api/grid", tags=["grid"])


def resolution(request: Request) -> int:
    settings: Settings = request.app.state.settings
    return settings.grid_h3_resolution


def task_out(task: VerificationTask, code: str) -> VerificationTaskOut:
    return VerificationTaskOut(
        id=task.id,
        case_code=code,
        cell=task.cell,
        assignee_id=task.assignee_id,
        instructions=task.instructions,
        status=task.status,
        result=task.result,
        result_label=RESULT_LABELS[task.result] if task.result else None,
        result_note=task.result_note,
    )


def plan_out(plan: PatrolPlan) -> PatrolPlanOut:
    return PatrolPlanOut(
        id=plan.id,
        title=plan.title,
        cells=json.loads(plan.cells),
        weekdays=plan.weekdays,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )


@router.post("/patrol-plans", response_model=PatrolPlanCreatedOut, status_code=201)
def create_plan(body: PatrolPlanIn, actor: GridWorker, session: DbSession) -> PatrolPlanCreatedOut:
    plan = service.create_plan(session, actor, body)
    return PatrolPlanCreatedOut(
        id=plan.id, title=plan.title, cells=json.loads(plan.cells), weekdays=plan.weekdays
    )


@router.get("/patrol-plans", response_model=list[PatrolPlanOut])
def my_plans(actor: GridWorker, session: DbSession) -> list[PatrolPlanOut]:
    if actor.user_id is None:
        return []
    return [plan_out(p) for p in patrols.plans_of(session, actor.user_id)]


@router.get("/patrols", response_model=list[PatrolOut])
def my_patrols(actor: GridWorker, session: DbSession) -> list[PatrolOut]:
    if actor.user_id is None:
        return []
    return [
        PatrolOut(
            id=r.id,
            plan_id=r.plan_id,
            started_at=r.started_at,
            ended_at=r.ended_at,
            cells=json.loads(r.cells),
            note=r.note,
        )
        for r in patrols.patrols_of(session, actor.user_id)
    ]


@router.post("/patrols", response_model=PatrolStartedOut, status_code=201)
def start_patrol(body: PatrolStartIn, actor: GridWorker, session: DbSession) -> PatrolStartedOut:
    record = service.start_patrol(session, actor, body.plan_id)
    return PatrolStartedOut(id=record.id, started_at=record.started_at)


@router.post("/patrols/{patrol_id}/end", response_model=PatrolEndedOut)
def end_patrol(patrol_id: int, body: PatrolEndIn, actor: GridWorker, session: DbSession) -> PatrolEndedOut:
    record = service.end_patrol(session, actor, patrol_id, body.cells, body.note)
    assert record.ended_at is not None  # end_patrol has just set it
    return PatrolEndedOut(id=record.id, cells=json.loads(record.cells), ended_at=record.ended_at)


def _event_in(fields: dict[str, Any]) -> EventIn:
    try:
        return EventIn(**{k: v for k, v in fields.items() if v not in (None, "")})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        raise ValidationFailed(
            str(first.get("msg", "格式不正确")).removeprefix("Value error, "), field=field
        ) from None


@router.post("/events", response_model=FieldEventOut, status_code=201)
def report_event(
    request: Request,
    actor: GridWorker,
    session: DbSession,
    ctx: CaseCtx,
    title: Annotated[str, Form(max_length=400)] = "",
    description: Annotated[str, Form(max_length=10000)] = "",
    lat: Annotated[str, Form(max_length=32)] = "",
    lng: Annotated[str, Form(max_length=32)] = "",
    address: Annotated[str, Form(max_length=600)] = "",
    category: Annotated[str, Form(max_length=32)] = "",
    demand_type: Annotated[str, Form(max_length=32)] = "",
    urgency: Annotated[str, Form(max_length=32)] = "",
    patrol_id: Annotated[str, Form(max_length=16)] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> FieldEventOut:
    """A field event with up to three photos (multipart); it becomes a case with channel 网格巡查."""
    body = _event_in(
        {
            "title": title,
            "description": description,
            "lat": lat,
            "lng": lng,
            "address": address,
            "category": category,
            "demand_type": demand_type,
            "urgency": urgency,
            "patrol_id": patrol_id,
        }
    )
    checked = check_photos(photos or [], ctx.settings.max_upload_mb)
    event, case = service.report_event(session, ctx, actor, body, checked, resolution(request))
    return FieldEventOut(
        event_id=event.id,
        case_code=case.code,
        cell=event.cell,
        photos=event.photos,
        community_code=case.community_code,
    )


@router.post("/verifications", response_model=VerificationTaskOut, status_code=201)
def request_verification(
    request: Request, body: VerificationIn, actor: VerificationRequester, session: DbSession
) -> VerificationTaskOut:
    task = service.request_verification(
        session, actor, body.case_code, body.instructions, resolution(request)
    )
    return task_out(task, body.case_code)


@router.get("/verifications", response_model=list[VerificationTaskOut])
def my_tasks(
    actor: GridWorker, session: DbSession, status: TaskStatus | None = None
) -> list[VerificationTaskOut]:
    if actor.user_id is None:
        return []
    return [task_out(task, code) for task, code in patrols.tasks_for(session, actor.user_id, status)]


@router.post("/verifications/{task_id}/result", response_model=VerificationTaskOut)
def complete_verification(
    task_id: int, body: VerificationResultIn, actor: GridWorker, session: DbSession
) -> VerificationTaskOut:
    task = service.complete_verification(session, actor, task_id, body.result, body.note, body.at)
    code = next(code for t, code in patrols.tasks_for(session, task.assignee_id) if t.id == task.id)
    return task_out(task, code)


@router.get("/figures", response_model=list[CellFiguresOut])
def figures(
    request: Request,
    actor: GridReader,
    session: DbSession,
    division: str = Query(min_length=2, max_length=12),
) -> list[CellFiguresOut]:
    return patrols.figures(session, actor, division, resolution(request))
