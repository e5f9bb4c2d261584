"""One handler per lifecycle action. Each validates its own inputs, changes the case and appends its
events; ``lifecycle.perform`` has already checked the actor, the unit and the state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.events import append_event
from zhili.cases.lifecycle.deadlines import clear_deadlines, limits_for, start_round
from zhili.cases.models import Case, CaseAssignment, CaseLink, Supervision
from zhili.cases.repository import get_readable
from zhili.cases.schemas import ActionIn
from zhili.cases.states import (
    FINAL_STATES,
    AssignmentRole,
    AssignmentStatus,
    CaseState,
    ClosureKind,
    Satisfaction,
)
from zhili.errors import Conflict, ValidationFailed
from zhili.kernel.worktime import Duration, deadline
from zhili.knowledge.models import KnowledgeEntry
from zhili.notifications.service import notify_visit_link_after_commit
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.enums import DemandType
from zhili.units.models import Unit

Handler = Callable[[Session, CaseContext, Actor, Case, ActionIn], None]
S = CaseState


def _require(value: object, field: str, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        raise ValidationFailed(message, field=field)


def _unit(session: Session, code: str, field: str) -> Unit:
    unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None or not unit.active:
        raise ValidationFailed(f"单位不存在或已停用：{code}", field=field)
    return unit


def _move(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    action: str,
    to: CaseState | None,
    *,
    note: str | None = None,
    public: bool = False,
    data: dict[str, object] | None = None,
) -> None:
    """Append the action's event, moving the case to ``to`` first (None: the state stays)."""
    before = case.state
    if to is not None:
        case.state = to
    append_event(
        session,
        case,
        action=action,
        actor=actor,
        at=ctx.now(),
        from_state=before,
        note=note,
        public=public,
        data=data,
    )


def _record(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    action: str,
    *,
    note: str | None = None,
    public: bool = False,
    data: dict[str, object] | None = None,
) -> None:
    """An event that leaves the state as it is."""
    _move(session, ctx, actor, case, action, None, note=note, public=public, data=data)


def _assignments(session: Session, case: Case, role: AssignmentRole | None = None) -> list[CaseAssignment]:
    query = select(CaseAssignment).where(
        CaseAssignment.case_id == case.id, CaseAssignment.status != AssignmentStatus.released
    )
    if role:
        query = query.where(CaseAssignment.role == role)
    return list(session.execute(query.order_by(CaseAssignment.id)).scalars())


def _assign(
    session: Session,
    case: Case,
    unit: Unit,
    role: AssignmentRole,
    ctx: CaseContext,
    checkin_due: datetime | None = None,
) -> None:
    """(Re)activate a unit's assignment; a unit returns to a case as the same row."""
    assignment = session.execute(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id, CaseAssignment.unit_id == unit.id, CaseAssignment.role == role
        )
    ).scalar_one_or_none()
    if assignment is None:
        assignment = CaseAssignment(case_id=case.id, unit_id=unit.id, role=role)
        session.add(assignment)
    assignment.status = AssignmentStatus.called
    assignment.assigned_at = ctx.now()
    assignment.checkin_due = checkin_due
    assignment.checked_in_at = assignment.reported_at = None
    assignment.report = None
    session.flush()


def _call_co_units(session: Session, ctx: CaseContext, case: Case, codes: list[str], field: str) -> list[str]:
    limits = limits_for(session, case)
    now = ctx.now()
    taken = {a.unit_id for a in _assignments(session, case)}
    called = []
    for code in dict.fromkeys(codes):
        unit = _unit(session, code, field)
        if unit.id == case.lead_unit_id:
            raise ValidationFailed("主办单位不能同时作为协办单位", field=field)
        if unit.id in taken:
            raise Conflict(f"{unit.name}已在本诉求中", field=field)
        _assign(session, case, unit, AssignmentRole.co, ctx, limits.due(now, "checkin", ctx.tz))
        called.append(code)
    return called


# -- dispatch and the lead unit's work ------------------------------------------------------------


def dispatch(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.lead_unit, "lead_unit", "请选择主办单位")
    assert body.lead_unit is not None
    lead = _unit(session, body.lead_unit, "lead_unit")
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
    _assign(session, case, lead, AssignmentRole.lead, ctx)
    limits = start_round(session, ctx, case, now)
    co = _call_co_units(session, ctx, case, body.co_units, "co_units") if body.co_units else []
    _move(
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
    for assignment in _assignments(session, case, AssignmentRole.lead):
        assignment.status = AssignmentStatus.checked_in
        assignment.checked_in_at = case.signed_at
    _move(session, ctx, actor, case, "sign", S.signed, note=body.note, public=True)


def contact(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    case.contacted_at = ctx.now()
    _move(session, ctx, actor, case, "contact", S.contacted, note=body.note)


def report(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.reply, "reply", "请填写办理结果答复")
    pending = [
        a for a in _assignments(session, case, AssignmentRole.co) if a.status != AssignmentStatus.reported
    ]
    if pending:
        names = "、".join(session.get(Unit, a.unit_id).name for a in pending)  # type: ignore[union-attr]
        raise Conflict(f"协办单位尚未全部报到并反馈：{names}")
    case.reply = body.reply
    case.reported_at = ctx.now()
    _move(session, ctx, actor, case, "report", S.reported, note=body.reply, public=True)
    notify_visit_link_after_commit(session, ctx, case)


# -- 回访, closing and reopening -----------------------------------------------------------------------


def visit(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.contacted, "contacted", "请填写是否联系上市民")
    if not body.contacted:
        _unreachable(session, ctx, actor, case, body)
        return
    _require(body.solved, "solved", "请填写问题是否解决")
    _require(body.satisfaction, "satisfaction", "请选择满意度")
    case.visit_contacted = True
    case.visit_solved = body.solved
    case.satisfaction = body.satisfaction
    case.visit_comment = body.comment
    case.visited_at = ctx.now()
    case.visit_attempts += 1
    assert body.satisfaction is not None
    _move(
        session,
        ctx,
        actor,
        case,
        "visit",
        S.visited,
        note=body.comment,
        data={"solved": body.solved, "satisfaction": body.satisfaction.value},
    )
    if body.solved and body.satisfaction != Satisfaction.unsatisfied:
        _close(session, ctx, actor, case, ClosureKind.handled, "回访满意，办结")
    elif ctx.settings.reopen_on_unresolved:
        _reopen(session, ctx, actor, case, "回访未解决或不满意，自动重办")


def _unreachable(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    case.visit_attempts += 1
    case.visit_contacted = False
    exhausted = case.visit_attempts >= ctx.settings.unreachable_max_attempts
    _record(
        session,
        ctx,
        actor,
        case,
        "visit",
        note=body.comment or "未联系上市民",
        data={"contacted": False, "attempt": case.visit_attempts},
    )
    if ctx.settings.unreachable_policy == "close" or exhausted:
        case.visited_at = ctx.now()
        _move(
            session,
            ctx,
            actor,
            case,
            "visit_unreachable",
            S.visited,
            note=f"第 {case.visit_attempts} 次回访未联系上市民",
        )
        _close(session, ctx, actor, case, ClosureKind.unreachable, "多次回访无法联系市民，按规定办结")


def _close(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    kind: ClosureKind,
    note: str,
    action: str = "close",
) -> None:
    case.closed_at = ctx.now()
    case.closure_kind = kind
    case.warning = case.overdue = False
    _move(session, ctx, actor, case, action, S.closed, note=note, public=True, data={"closure": kind.value})


def close(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _close(session, ctx, actor, case, ClosureKind.handled, body.note or "办结")


def _reopen(session: Session, ctx: CaseContext, actor: Actor, case: Case, note: str) -> None:
    case.reopen_count += 1
    now = ctx.now()
    case.dispatched_at = now
    case.signed_at = case.contacted_at = case.reported_at = case.closed_at = None
    case.closure_kind = None
    case.extended = False
    case.extension_requested = case.extension_reason = None
    start_round(session, ctx, case, now)
    for assignment in _assignments(session, case, AssignmentRole.lead):
        assignment.status = AssignmentStatus.called
    _move(
        session,
        ctx,
        actor,
        case,
        "reopen",
        S.dispatched,
        note=note,
        public=True,
        data={"round": case.reopen_count + 1, "feedback_due": case.feedback_due},
    )


def reopen(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.note, "note", "请填写重办原因")
    assert body.note is not None
    _reopen(session, ctx, actor, case, body.note)


# -- 退单 -------------------------------------------------------------------------------------------


def return_case(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.reason, "reason", "请填写退单理由")
    if case.forced_assignment:
        raise Conflict("退单已被驳回并强制派单，不能再次退单")
    case.return_count += 1
    _move(
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
    for assignment in _assignments(session, case):
        assignment.status = AssignmentStatus.released
    previous = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    case.lead_unit_id = None
    case.dispatched_at = case.signed_at = case.contacted_at = None
    clear_deadlines(case)
    _move(
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
    _require(body.reason or body.note, "reason", "请填写驳回理由")
    case.forced_assignment = True
    limits = limits_for(session, case)
    case.sign_due = limits.due(ctx.now(), "sign", ctx.tz)
    case.signed_at = case.contacted_at = None
    _move(
        session,
        ctx,
        actor,
        case,
        "reject_return",
        S.dispatched,
        note=body.reason or body.note,
        data={"forced": True},
    )


# -- 延期 -------------------------------------------------------------------------------------------


def request_extension(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.extension, "extension", "请填写延期时长，如 10d")
    _require(body.reason, "reason", "请填写延期理由")
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
    _record(session, ctx, actor, case, "request_extension", note=body.reason, data={"extension": str(wanted)})


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
    _record(
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
    _require(body.note or body.reason, "note", "请填写驳回理由")
    case.extension_requested = case.extension_reason = None
    _record(session, ctx, actor, case, "deny_extension", note=body.note or body.reason)


# -- 督办 and 吹哨报到 ---------------------------------------------------------------------------------


def supervise(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.note, "note", "请填写督办意见")
    open_supervision(session, ctx, case, "manual", actor.username, body.note)
    _record(session, ctx, actor, case, "supervise", note=body.note)


def open_supervision(
    session: Session, ctx: CaseContext, case: Case, reason: str, by: str, note: str | None = None
) -> Supervision:
    supervision = Supervision(case_id=case.id, reason=reason, note=note, opened_by=by, opened_at=ctx.now())
    session.add(supervision)
    session.flush()
    return supervision


def whistle(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.units, "units", "请选择需要召集的协办单位")
    called = _call_co_units(session, ctx, case, body.units, "units")
    _record(session, ctx, actor, case, "whistle", note=body.note, data={"units": called})


def _own_assignment(session: Session, actor: Actor, case: Case) -> CaseAssignment:
    return session.execute(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id,
            CaseAssignment.unit_id == actor.unit_id,
            CaseAssignment.role == AssignmentRole.co,
            CaseAssignment.status != AssignmentStatus.released,
        )
    ).scalar_one()


def check_in(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    assignment = _own_assignment(session, actor, case)
    if assignment.status != AssignmentStatus.called:
        raise Conflict("本单位已报到")
    assignment.status = AssignmentStatus.checked_in
    assignment.checked_in_at = ctx.now()
    late = assignment.checkin_due is not None and assignment.checked_in_at > assignment.checkin_due
    _record(session, ctx, actor, case, "check_in", note=body.note, data={"late": late})


def report_part(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    _require(body.reply, "reply", "请填写本单位负责部分的办理情况")
    assignment = _own_assignment(session, actor, case)
    if assignment.status == AssignmentStatus.called:
        raise Conflict("请先报到，再反馈办理情况")
    if assignment.status == AssignmentStatus.reported:
        raise Conflict("本单位已反馈")
    assignment.status = AssignmentStatus.reported
    assignment.reported_at = ctx.now()
    assignment.report = body.reply
    _record(session, ctx, actor, case, "report_part", note=body.reply)


# -- duplicates ------------------------------------------------------------------------------------


def _target(session: Session, actor: Actor, case: Case, body: ActionIn) -> Case:
    _require(body.target, "target", "请填写另一件诉求的编号")
    assert body.target is not None
    if body.target == case.code:
        raise ValidationFailed("不能与自身合并或关联", field="target")
    return get_readable(session, actor, body.target)


# Links triage adds on its own (a repeat from the same citizen); a dispatcher's merge or link may
# turn them into a decision.
SUGGESTED_LINK_KINDS = frozenset({"repeat"})


def _link(session: Session, ctx: CaseContext, actor: Actor, a: Case, b: Case, kind: str) -> None:
    existing = {
        (link.case_id, link.other_case_id): link
        for link in session.execute(
            select(CaseLink).where(
                or_(
                    and_(CaseLink.case_id == a.id, CaseLink.other_case_id == b.id),
                    and_(CaseLink.case_id == b.id, CaseLink.other_case_id == a.id),
                )
            )
        ).scalars()
    }
    if any(link.kind not in SUGGESTED_LINK_KINDS for link in existing.values()):
        raise Conflict("两件诉求已经关联", field="target")
    for one, other in ((a, b), (b, a)):
        link = existing.get((one.id, other.id))
        if link is None:
            link = CaseLink(case_id=one.id, other_case_id=other.id)
            session.add(link)
        link.kind = kind
        link.created_by = actor.username
        link.created_at = ctx.now()
    session.flush()


def merge(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    primary = _target(session, actor, case, body)
    if primary.state in FINAL_STATES:
        raise Conflict("目标诉求已办结或已合并，不能并入", field="target")
    _link(session, ctx, actor, case, primary, "merged")
    case.merged_into_id = primary.id
    clear_deadlines(case)
    _move(
        session, ctx, actor, case, "merge", S.merged, note=body.note, public=True, data={"into": primary.code}
    )
    primary.version += 1
    primary.updated_at = ctx.now()
    append_event(
        session,
        primary,
        action="merge_in",
        actor=actor,
        at=ctx.now(),
        from_state=primary.state,
        note=body.note,
        data={"from": case.code},
    )


def link(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    other = _target(session, actor, case, body)
    _link(session, ctx, actor, case, other, "related")
    _record(session, ctx, actor, case, "link", note=body.note, data={"with": other.code})


# -- 直接办结 ---------------------------------------------------------------------------------------


def direct_close(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    if case.demand_type != DemandType.consultation:
        raise Conflict("只有咨询类诉求可以直接办结")
    _require(body.knowledge_entry_id, "knowledge_entry_id", "请选择用于答复的知识库条目")
    entry = session.get(KnowledgeEntry, body.knowledge_entry_id)
    if entry is None or not entry.active:
        raise ValidationFailed("知识库条目不存在或已停用", field="knowledge_entry_id")
    case.knowledge_entry_id = entry.id
    case.reply = body.reply or entry.answer
    case.reported_at = ctx.now()
    _close(session, ctx, actor, case, ClosureKind.direct, case.reply, action="direct_close")


HANDLERS: dict[str, Handler] = {
    "dispatch": dispatch,
    "sign": sign,
    "contact": contact,
    "report": report,
    "visit": visit,
    "close": close,
    "reopen": reopen,
    "return": return_case,
    "approve_return": approve_return,
    "reject_return": reject_return,
    "request_extension": request_extension,
    "approve_extension": approve_extension,
    "deny_extension": deny_extension,
    "supervise": supervise,
    "whistle": whistle,
    "check_in": check_in,
    "report_part": report_part,
    "merge": merge,
    "link": link,
    "direct_close": direct_close,
}
