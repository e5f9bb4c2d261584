"""The main line of handling: 派单, 签收, 联系, 反馈, and its branches 退单 and 延期."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.deadlines import clear_deadlines, limits_for, start_round
from zhili.cases.lifecycle.steps import (
    active_assignments,
    active_unit,
    assign,
    call_co_units,
    move,
    record,
    require,
)
from zhili.cases.models import Case
from zhili.cases.schemas import ActionIn
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState
from zhili.cases.tracking.visit_link import queue_visit_link
from zhili.errors import Conflict, ValidationFailed
from zhili.kernel.worktime import Duration, deadline
from zhili.taxonomy import repository as taxonomy
from zhili.units.models import Unit

S = CaseState


def dispatch(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    if case.division_code is None:
        raise Conflict("诉求尚未定位（待定位）：请先定位再派单", field="division")
    require(body.lead_unit, "lead_unit", "请选择主办单位")
    assert body.lead_unit is not None
    lead = active_unit(session, body.lead_unit, "lead_unit")
    if body.category:
        category = taxonomy.by_code(session, body.category)
        if category is None or not category.active:
            raise ValidationFailed(f"未知的诉求分类：{body.category}", field="category")
        case.category_id = category.id
    if body.complex_case is not None:
        case.complex_case = body.complex_case
    now = ctx.now()
    case.lead_unit_id = lead.id
    case.dispatched_at = now
    case.forced_assignment = False
    assign(session, case, lead, AssignmentRole.lead, ctx)
    limits = start_round(session, ctx, case, now)
    co = call_co_units(session, ctx, case, body.co_units, "co_units") if body.co_units else []
    move(
        session,
        ctx,
        actor,
        case,
        "dispatch",
        S.dispatched,
        note=body.note,
        public=True,
        data={
            "lead_unit": lead.code,
            "co_units": co,
            "time_limits": list(limits.rules),
            "feedback_due": case.feedback_due,
        },
    )


def sign(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    case.signed_at = ctx.now()
    for assignment in active_assignments(session, case, AssignmentRole.lead):
        assignment.status = AssignmentStatus.checked_in
        assignment.checked_in_at = case.signed_at
    move(session, ctx, actor, case, "sign", S.signed, note=body.note, public=True)


def contact(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    case.contacted_at = ctx.now()
    move(session, ctx, actor, case, "contact", S.contacted, note=body.note)


def report(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.reply, "reply", "请填写办理结果答复")
    pending = [
        a
        for a in active_assignments(session, case, AssignmentRole.co)
        if a.status != AssignmentStatus.reported
    ]
    if pending:
        names = "、".join(session.get(Unit, a.unit_id).name for a in pending)  # type: ignore[union-attr]
        raise Conflict(f"协办单位尚未全部报到并反馈：{names}")
    case.reply = body.reply
    case.reported_at = ctx.now()
    move(session, ctx, actor, case, "report", S.reported, note=body.reply, public=True)
    queue_visit_link(session, ctx, case)


def return_case(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.reason, "reason", "请填写退单理由")
    if case.forced_assignment:
        raise Conflict("退单已被驳回并强制派单，不能再次退单")
    case.return_count += 1
    move(
        session,
        ctx,
        actor,
        case,
        "return",
        S.return_requested,
        note=body.reason,
        data={"unit_id": case.lead_unit_id},
    )


def approve_return(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    for assignment in active_assignments(session, case):
        assignment.status = AssignmentStatus.released
    previous = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    case.lead_unit_id = None
    case.dispatched_at = case.signed_at = case.contacted_at = None
    clear_deadlines(case)
    move(
        session,
        ctx,
        actor,
        case,
        "approve_return",
        S.received,
        note=body.note,
        data={"returned_by": previous.code if previous else None},
    )
    if body.lead_unit:
        dispatch(session, ctx, actor, case, body)


def reject_return(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.reason or body.note, "reason", "请填写驳回理由")
    case.forced_assignment = True
    limits = limits_for(session, case)
    case.sign_due = limits.due(ctx.now(), "sign", ctx.tz)
    case.signed_at = case.contacted_at = None
    move(
        session,
        ctx,
        actor,
        case,
        "reject_return",
        S.dispatched,
        note=body.reason or body.note,
        data={"forced": True},
    )


def request_extension(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.extension, "extension", "请填写延期时长，如 10d")
    require(body.reason, "reason", "请填写延期理由")
    if case.extended:
        raise Conflict("每件诉求只能延期一次，本诉求已延期")
    if case.extension_requested:
        raise Conflict("已有待审批的延期申请")
    try:
        wanted = Duration.parse(body.extension or "")
    except ValueError as exc:
        raise ValidationFailed(str(exc), field="extension") from None
    limits = limits_for(session, case)
    base = case.feedback_due or ctx.now()
    if deadline(base, wanted, ctx.tz) > deadline(base, limits.max_extension, ctx.tz):
        raise ValidationFailed(f"延期不能超过 {limits.max_extension.label}", field="extension")
    case.extension_requested = str(wanted)
    case.extension_reason = body.reason
    record(session, ctx, actor, case, "request_extension", note=body.reason, data={"extension": str(wanted)})


def _pending_extension(case: Case) -> str:
    if not case.extension_requested:
        raise Conflict("没有待审批的延期申请")
    return case.extension_requested


def approve_extension(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    wanted = Duration.parse(_pending_extension(case))
    base = case.feedback_due or ctx.now()
    case.feedback_due = deadline(base, wanted, ctx.tz)
    case.extended = True
    case.extension_requested = case.extension_reason = None
    if case.feedback_due > ctx.now():
        case.overdue = False
    record(
        session,
        ctx,
        actor,
        case,
        "approve_extension",
        note=body.note,
        public=True,
        data={"extension": str(wanted), "feedback_due": case.feedback_due},
    )


def deny_extension(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _pending_extension(case)
    require(body.note or body.reason, "note", "请填写驳回理由")
    case.extension_requested = case.extension_reason = None
    record(session, ctx, actor, case, "deny_extension", note=body.note or body.reason)
