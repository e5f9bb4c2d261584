"""Patrol rules: patrol plans and patrols, field events that become cases (channel 网格巡查) and 核查
tasks for the grid worker of a case's cell."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases import flows
from zhili.cases import repository as cases
from zhili.cases.attachments import store_photos
from zhili.cases.context import CaseContext
from zhili.cases.events import append_event
from zhili.cases.models import Case
from zhili.cases.schemas import CaseIn
from zhili.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhili.grid.cells import repository as grid_cells
from zhili.grid.cells.generate import grid_cell_of
from zhili.grid.cells.models import GridCell, GridWorkerCell
from zhili.grid.patrols import repository as patrols
from zhili.grid.patrols.models import (
    RESULT_LABELS,
    FieldEvent,
    PatrolPlan,
    PatrolRecord,
    TaskStatus,
    VerificationResult,
    VerificationTask,
)
from zhili.grid.patrols.schemas import EventIn, PatrolPlanIn
from zhili.grid.policy import can_patrol, can_request_verification
from zhili.kernel.clock import as_aware, utcnow
from zhili.storage.images import Photo
from zhili.taxonomy.enums import Channel


def _require_worker(actor: Actor) -> int:
    if not can_patrol(actor) or actor.user_id is None:
        raise Forbidden("只有网格员可以执行此操作")
    return actor.user_id


def create_plan(session: Session, actor: Actor, body: PatrolPlanIn) -> PatrolPlan:
    worker_id = _require_worker(actor)
    for cell_id in body.cells:
        grid_cells.get_cell(session, actor, cell_id, field="cells")
    if body.ends_on and body.ends_on < body.starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", field="ends_on")
    plan = PatrolPlan(
        worker_id=worker_id,
        title=body.title,
        cells=json.dumps(body.cells),
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        weekdays=",".join(str(d) for d in sorted(set(body.weekdays))),
        created_by=actor.username,
    )
    session.add(plan)
    session.flush()
    return plan


def start_patrol(session: Session, actor: Actor, plan_id: int | None) -> PatrolRecord:
    worker_id = _require_worker(actor)
    if plan_id is not None:
        plan = session.get(PatrolPlan, plan_id)
        if plan is None or plan.worker_id != worker_id:
            raise NotFound("巡查计划不存在", field="plan_id")
    if patrols.open_patrol(session, worker_id) is not None:
        raise Conflict("您有一次巡查尚未结束")
    record = PatrolRecord(plan_id=plan_id, worker_id=worker_id, started_at=utcnow(), cells="[]")
    session.add(record)
    session.flush()
    return record


def end_patrol(
    session: Session, actor: Actor, patrol_id: int, cells: list[str], note: str | None
) -> PatrolRecord:
    worker_id = _require_worker(actor)
    record = session.get(PatrolRecord, patrol_id)
    if record is None or record.worker_id != worker_id:
        raise NotFound("巡查记录不存在")
    if record.ended_at is not None:
        raise Conflict("该巡查已结束")
    for cell_id in cells:
        grid_cells.get_cell(session, actor, cell_id, field="cells")
    record.ended_at = utcnow()
    record.cells = json.dumps(sorted(set(cells)))
    record.note = note
    session.flush()
    return record


def _refine_location(session: Session, case: Case, cell: GridCell | None) -> None:
    """Coordinates alone give only the district; the grid knows the community of its cell."""
    if case.community_code or cell is None or not cell.community_code:
        return
    for known in (case.street_code, case.district_code):
        if known and not cell.community_code.startswith(known):
            return
    case.community_code = cell.community_code
    case.street_code = cell.community_code[:9]
    case.division_code = cell.community_code


def report_event(
    session: Session, ctx: CaseContext, actor: Actor, body: EventIn, photos: list[Photo], resolution: int
) -> tuple[FieldEvent, Case]:
    """A field event becomes a case through the ordinary intake, with channel 网格巡查."""
    worker_id = _require_worker(actor)
    if body.patrol_id is not None:
        patrol = session.get(PatrolRecord, body.patrol_id)
        if patrol is None or patrol.worker_id != worker_id or patrol.ended_at is not None:
            raise ValidationFailed("巡查记录不存在或已结束", field="patrol_id")
    case_in = CaseIn(
        demand_type=body.demand_type,
        urgency=body.urgency,
        category=body.category,
        channel=Channel.grid,
        title=body.title,
        description=body.description,
        lat=body.lat,
        lng=body.lng,
        address=body.address,
    )
    result = flows.take_demand(session, ctx, actor, case_in)
    case = result.case
    if not readable(actor).covers(case.division_code):
        # The request fails whole: the case taken in above is rolled back with it.
        raise Forbidden("该位置不在您负责的网格范围内，不能上报")
    cell_id = grid_cell_of(case.h3_cell, resolution) or ""
    _refine_location(session, case, session.get(GridCell, cell_id))
    store_photos(session, ctx, case, photos, actor.username)
    event = FieldEvent(
        worker_id=worker_id,
        patrol_id=body.patrol_id,
        cell=cell_id,
        lat=body.lat,
        lng=body.lng,
        case_id=case.id,
        photos=len(photos),
        reported_at=ctx.now(),
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="grid.event.report",
        target_type="case",
        target_id=case.code,
        detail={"cell": cell_id, "photos": len(photos)},
    )
    return event, case


def request_verification(
    session: Session, actor: Actor, code: str, instructions: str | None, resolution: int
) -> VerificationTask:
    """核查: send a case to the grid worker responsible for its cell."""
    if not can_request_verification(actor):
        raise Forbidden("网格员不能给自己派发核查任务")
    case = cases.get_readable(session, actor, code, for_update=True)
    cell_id = grid_cell_of(case.h3_cell, resolution)
    if cell_id is None:
        raise ValidationFailed("该诉求没有经纬度，无法确定所属网格", field="case_code")
    worker = session.execute(
        select(GridWorkerCell).where(GridWorkerCell.cell == cell_id)
    ).scalar_one_or_none()
    if worker is None:
        raise Conflict(f"诉求所在网格 {cell_id} 尚未配置网格员", field="case_code")
    if patrols.pending_task(session, case.id) is not None:
        raise Conflict("该诉求已有未完成的核查任务", field="case_code")
    now = utcnow()
    task = VerificationTask(
        case_id=case.id,
        cell=cell_id,
        assignee_id=worker.user_id,
        instructions=instructions,
        status=TaskStatus.pending,
        created_by=actor.username,
        created_at=now,
    )
    session.add(task)
    session.flush()
    append_event(
        session,
        case,
        action="verification_requested",
        actor=actor,
        at=now,
        from_state=case.state,
        note="已派发网格员现场核查",
        data={"task_id": task.id, "cell": cell_id},
    )
    audit.record(
        session,
        actor=actor.username,
        action="grid.verify.request",
        target_type="case",
        target_id=case.code,
        detail={"task": task.id, "cell": cell_id},
    )
    return task


def complete_verification(
    session: Session,
    actor: Actor,
    task_id: int,
    result: VerificationResult,
    note: str,
    at: datetime | None = None,
) -> VerificationTask:
    worker_id = _require_worker(actor)
    task = session.get(VerificationTask, task_id, with_for_update=True)
    if task is None or task.assignee_id != worker_id:
        raise NotFound("核查任务不存在或不是派给您的")
    if task.status == TaskStatus.done:
        raise Conflict("该核查任务已完成")
    now = as_aware(at) if at else utcnow()
    task.status = TaskStatus.done
    task.result = result
    task.result_note = note
    task.completed_at = now
    case = session.get(Case, task.case_id)
    assert case is not None
    append_event(
        session,
        case,
        action="verification_result",
        actor=actor,
        at=now,
        from_state=case.state,
        note=f"现场核查：{RESULT_LABELS[result]}。{note}",
        data={"task_id": task.id, "result": result.value},
    )
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="grid.verify.result",
        target_type="case",
        target_id=case.code,
        detail={"task": task.id, "result": result.value},
    )
    return task
