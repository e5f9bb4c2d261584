"""回访, 办结, 重办 and 直接办结."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.deadlines import start_round
from zhili.cases.lifecycle.steps import active_assignments, move, record, require
from zhili.cases.models import Case
from zhili.cases.schemas import ActionIn
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction
from zhili.errors import Conflict, ValidationFailed
from zhili.knowledge.models import KnowledgeEntry
from zhili.taxonomy.enums import DemandType

S = CaseState


def visit(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.contacted, "contacted", "请选择「是否联系上市民」：已联系上，或无法联系")
    if not body.contacted:
        _unreachable(session, ctx, actor, case, body)
        return
    require(body.solved, "solved", "请选择「问题是否解决」")
    require(body.satisfaction, "satisfaction", "请选择「满意度」")
    case.visit_contacted = True
    case.visit_solved = body.solved
    case.satisfaction = body.satisfaction
    case.visit_comment = body.comment
    case.visited_at = ctx.now()
    case.visit_attempts += 1
    assert body.satisfaction is not None
    move(
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
        close_case(session, ctx, actor, case, ClosureKind.handled, "回访满意，办结")
    elif ctx.settings.reopen_on_unresolved:
        reopen_case(session, ctx, actor, case, "回访未解决或不满意，自动重办")


def _unreachable(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    case.visit_attempts += 1
    case.visit_contacted = False
    exhausted = case.visit_attempts >= ctx.settings.unreachable_max_attempts
    record(
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
        move(
            session,
            ctx,
            actor,
            case,
            "visit_unreachable",
            S.visited,
            note=f"第 {case.visit_attempts} 次回访未联系上市民",
        )
        close_case(session, ctx, actor, case, ClosureKind.unreachable, "多次回访无法联系市民，按规定办结")


def close_case(
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
    move(session, ctx, actor, case, action, S.closed, note=note, public=True, data={"closure": kind.value})


def close(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    close_case(session, ctx, actor, case, ClosureKind.handled, body.note or "办结")


def reopen_case(session: Session, ctx: CaseContext, actor: Actor, case: Case, note: str) -> None:
    case.reopen_count += 1
    now = ctx.now()
    case.dispatched_at = now
    case.signed_at = case.contacted_at = case.reported_at = case.closed_at = None
    case.closure_kind = None
    case.extended = False
    case.extension_requested = case.extension_reason = None
    start_round(session, ctx, case, now)
    for assignment in active_assignments(session, case, AssignmentRole.lead):
        assignment.status = AssignmentStatus.called
    move(
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
    require(body.note, "note", "请填写重办原因")
    assert body.note is not None
    reopen_case(session, ctx, actor, case, body.note)


def direct_close(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    if case.demand_type != DemandType.consultation:
        raise Conflict("只有咨询类诉求可以直接办结")
    require(body.knowledge_entry_id, "knowledge_entry_id", "请选择用于答复的知识库条目")
    entry = session.get(KnowledgeEntry, body.knowledge_entry_id)
    if entry is None or not entry.active:
        raise ValidationFailed("知识库条目不存在或已停用", field="knowledge_entry_id")
    case.knowledge_entry_id = entry.id
    case.reply = body.reply or entry.answer
    case.reported_at = ctx.now()
    close_case(session, ctx, actor, case, ClosureKind.direct, case.reply, action="direct_close")
