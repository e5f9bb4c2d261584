"""领导包案 (a leader answers for a matter, and his actions are recorded) and the 领导接访日 / 下访
calendar (planned by the 信访 office, recorded afterwards)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.models import User
from zhili.auth.scope import Actor, readable
from zhili.cases.context import CaseContext
from zhili.divisions.models import Division
from zhili.errors import Conflict, Forbidden, ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.petitions import repository as petitions
from zhili.petitions.models import LeaderAction, PetitionMatter, ReceptionSlot
from zhili.petitions.policy import acts_as_office, can_lead, can_organise_leaders, can_record_leader_action
from zhili.petitions.schemas import LeaderActionIn, ReceptionIn, ReceptionRecordIn
from zhili.petitions.service import local, record_step
from zhili.petitions.states import CLOSED_STATES, LEADER_ACTION_LABELS


def _leader(session: Session, username: str, field: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.is_active:
        raise ValidationFailed(f"用户 {username} 不存在或已停用", field=field)
    if not can_lead(user.role):
        raise ValidationFailed(f"用户 {username} 不是领导账号，不能包案或接访", field=field)
    return user


def _office_matter(session: Session, actor: Actor, code: str) -> PetitionMatter:
    can_organise_leaders.require(actor)
    matter = petitions.get_readable(session, actor, code, for_update=True)
    if not readable(actor).covers(matter.division_code):
        raise Forbidden("只有事项所在地的信访办公室可以指定包案领导")
    return matter


def assign_leader(
    session: Session, ctx: CaseContext, actor: Actor, code: str, username: str
) -> PetitionMatter:
    matter = _office_matter(session, actor, code)
    if matter.state in CLOSED_STATES:
        raise Conflict("事项已终结或不予受理，无需包案")
    leader = _leader(session, username, "username")
    matter.leader_user_id = leader.id
    record_step(
        session,
        matter,
        "leader",
        actor.username,
        ctx.now(),
        from_state=matter.state,
        note=f"{leader.display_name}包案",
    )
    audit.record(
        session,
        actor=actor.username,
        action="petitions.leader.assign",
        target_type="petition_matter",
        target_id=matter.code,
        detail={"leader": leader.username},
    )
    return matter


def add_leader_action(
    session: Session, ctx: CaseContext, actor: Actor, code: str, body: LeaderActionIn
) -> LeaderAction:
    can_record_leader_action.require(actor)
    matter = petitions.get_readable(session, actor, code)
    if matter.leader_user_id is None:
        raise Conflict("该事项尚未指定包案领导")
    is_office = acts_as_office(actor) and readable(actor).covers(matter.division_code)
    if not is_office and actor.user_id != matter.leader_user_id:
        raise Forbidden("只有包案领导本人或信访办公室可以记录包案工作")
    at = local(body.at, ctx) if body.at else ctx.now()
    if at > ctx.now():
        raise ValidationFailed("记录的时间不能晚于现在", field="at")
    action = LeaderAction(
        matter_id=matter.id,
        leader_user_id=matter.leader_user_id,
        kind=body.kind,
        at=at,
        place=body.place,
        note=body.note,
        recorded_by=actor.username,
    )
    session.add(action)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="petitions.leader.action",
        target_type="petition_matter",
        target_id=matter.code,
        detail={"kind": body.kind.value, "label": LEADER_ACTION_LABELS[body.kind]},
    )
    return action


def plan_reception(session: Session, ctx: CaseContext, actor: Actor, body: ReceptionIn) -> ReceptionSlot:
    can_organise_leaders.require(actor)
    if actor.unit_id is None:
        raise Forbidden("您的账号不属于任何信访办公室")
    if session.get(Division, body.division_code) is None:
        raise ValidationFailed(f"区划编码 {body.division_code} 不存在", field="division_code")
    if not readable(actor).covers(body.division_code):
        raise ValidationFailed("接访地点不在本信访办公室的范围内", field="division_code")
    starts_at, ends_at = local(body.starts_at, ctx), local(body.ends_at, ctx)
    if ends_at <= starts_at:
        raise ValidationFailed("结束时间须晚于开始时间", field="ends_at")
    leader = _leader(session, body.leader, "leader")
    slot = ReceptionSlot(
        office_unit_id=actor.unit_id,
        division_code=body.division_code,
        kind=body.kind,
        leader_user_id=leader.id,
        starts_at=starts_at,
        ends_at=ends_at,
        place=body.place,
        created_by=actor.username,
    )
    return audit.record_added(
        session,
        slot,
        actor=actor.username,
        action="petitions.reception.plan",
        target_type="petition_reception",
        detail={"kind": body.kind.value, "division": body.division_code},
    )


def record_reception(
    session: Session, ctx: CaseContext, actor: Actor, reception_id: int, body: ReceptionRecordIn
) -> ReceptionSlot:
    can_record_leader_action.require(actor)
    slot = petitions.get_reception(session, actor, reception_id)
    is_office = acts_as_office(actor) and readable(actor).covers(slot.division_code)
    if not is_office and actor.user_id != slot.leader_user_id:
        raise Forbidden("只有接访领导本人或信访办公室可以记录接访情况")
    if as_aware(slot.starts_at) > ctx.now():
        raise Conflict("接访尚未开始，不能记录接访情况")
    slot.visitors = body.visitors
    slot.summary = body.summary
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="petitions.reception.record",
        target_type="petition_reception",
        target_id=slot.id,
        detail={"visitors": body.visitors},
    )
    return slot
