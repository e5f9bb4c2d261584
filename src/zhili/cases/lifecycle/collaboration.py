"""督办, 吹哨报到 (co-units check in and report their part), and merging or linking duplicates."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.events import append_event
from zhili.cases.lifecycle.deadlines import clear_deadlines
from zhili.cases.lifecycle.steps import call_co_units, move, record, require
from zhili.cases.models import Case, CaseAssignment, CaseLink, Supervision
from zhili.cases.repository import get_readable
from zhili.cases.schemas import ActionIn
from zhili.cases.states import FINAL_STATES, AssignmentRole, AssignmentStatus, CaseState
from zhili.errors import Conflict, ValidationFailed

S = CaseState


def supervise(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.note, "note", "请填写督办意见")
    open_supervision(session, ctx, case, "manual", actor.username, body.note)
    record(session, ctx, actor, case, "supervise", note=body.note)


def open_supervision(
    session: Session, ctx: CaseContext, case: Case, reason: str, by: str, note: str | None = None
) -> Supervision:
    supervision = Supervision(case_id=case.id, reason=reason, note=note, opened_by=by, opened_at=ctx.now())
    session.add(supervision)
    session.flush()
    return supervision


def whistle(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.units, "units", "请选择需要召集的协办单位")
    called = call_co_units(session, ctx, case, body.units, "units")
    record(session, ctx, actor, case, "whistle", note=body.note, data={"units": called})


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
    record(session, ctx, actor, case, "check_in", note=body.note, data={"late": late})


def report_part(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: ActionIn) -> None:
    require(body.reply, "reply", "请填写本单位负责部分的办理情况")
    assignment = _own_assignment(session, actor, case)
    if assignment.status == AssignmentStatus.called:
        raise Conflict("请先报到，再反馈办理情况")
    if assignment.status == AssignmentStatus.reported:
        raise Conflict("本单位已反馈")
    assignment.status = AssignmentStatus.reported
    assignment.reported_at = ctx.now()
    assignment.report = body.reply
    record(session, ctx, actor, case, "report_part", note=body.reply)


def _target(session: Session, actor: Actor, case: Case, body: ActionIn) -> Case:
    require(body.target, "target", "请填写另一件诉求的编号")
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
    move(
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
    record(session, ctx, actor, case, "link", note=body.note, data={"with": other.code})
