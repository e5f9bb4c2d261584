"""The procedure of a 信访事项, step by step (table ``states.RULES``), each step on its deadline.

Who takes a step: the 信访 office of the matter's place always may; a body the matter was sent to
may take the steps that are its own (受理 or 不予受理 after 转送/交办, 延期, 答复 for the handling
body; the opinion for the 复查 or 复核 body). Deadlines are working-day limits (``states.LIMITS``)
computed by ``kernel.worktime.deadline`` from the moment of the step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases.context import CaseContext
from zhili.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.kernel.worktime import Duration, deadline
from zhili.petitions import repository as petitions
from zhili.petitions.models import PetitionBody, PetitionMatter, PetitionStep
from zhili.petitions.policy import acts_as_office, can_handle_petition
from zhili.petitions.schemas import PetitionStepIn
from zhili.petitions.states import LIMITS, RULES, STATE_LABELS, BodyRole, MatterState
from zhili.units.models import Unit

FUTURE_SLACK = timedelta(minutes=5)
# Which body (besides the office) may take a body's step, by action.
BODY_FOR_ACTION = {
    "refuse": BodyRole.handling,
    "take": BodyRole.handling,
    "extend": BodyRole.handling,
    "reply": BodyRole.handling,
    "review": BodyRole.review,
    "recheck": BodyRole.recheck,
}


def local(moment: datetime, ctx: CaseContext) -> datetime:
    """A time from a form or a body: without a zone it is the city's local time (a datetime-local field)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ctx.tz)


def record_step(
    session: Session,
    matter: PetitionMatter,
    action: str,
    actor_name: str,
    at: datetime,
    *,
    from_state: MatterState | None,
    note: str | None,
) -> PetitionStep:
    step = PetitionStep(
        matter_id=matter.id,
        action=action,
        from_state=from_state.value if from_state else None,
        to_state=matter.state.value,
        actor=actor_name,
        at=at,
        due_at=matter.due_at,
        note=note,
    )
    session.add(step)
    session.flush()
    return step


def is_office_of(actor: Actor, matter: PetitionMatter) -> bool:
    return acts_as_office(actor) and readable(actor).covers(matter.division_code)


def _is_body(session: Session, actor: Actor, matter: PetitionMatter, role: BodyRole) -> bool:
    if actor.unit_id is None:
        return False
    found = session.execute(
        select(PetitionBody.id).where(
            PetitionBody.matter_id == matter.id,
            PetitionBody.unit_id == actor.unit_id,
            PetitionBody.role == role,
        )
    ).first()
    if found is None:
        return False
    # The handling body acts only while the matter is still its own (not since sent elsewhere).
    return role != BodyRole.handling or matter.handling_unit_id == actor.unit_id


def _required(value: str | None, field: str, message: str) -> str:
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _unit(session: Session, code: str | None, message: str) -> Unit:
    unit = session.execute(
        select(Unit).where(Unit.code == _required(code, "unit", message))
    ).scalar_one_or_none()
    if unit is None or not unit.active:
        raise ValidationFailed(f"单位编码 {code} 不存在或已停用", field="unit")
    return unit


def _send(session: Session, matter: PetitionMatter, unit: Unit, role: BodyRole, at: datetime) -> None:
    known = session.execute(
        select(PetitionBody.id).where(
            PetitionBody.matter_id == matter.id, PetitionBody.unit_id == unit.id, PetitionBody.role == role
        )
    ).first()
    if known is None:
        session.add(PetitionBody(matter_id=matter.id, unit_id=unit.id, role=role, sent_at=at))


def _start(
    matter: PetitionMatter, ctx: CaseContext, state: MatterState, at: datetime, limit: str | None
) -> None:
    matter.state = state
    matter.stage_started_at = at
    matter.due_at = deadline(at, LIMITS[limit], ctx.tz) if limit else None
    matter.warning = False
    matter.overdue = False


def _decided(matter: PetitionMatter, at: datetime) -> None:
    matter.decided_at = at
    matter.decided_on_time = matter.due_at is None or at <= as_aware(matter.due_at)


Step = Callable[[Session, CaseContext, PetitionMatter, PetitionStepIn, datetime], str]


def _accept(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    office = session.get(Unit, m.office_unit_id)
    assert office is not None
    _decided(m, at)
    m.handling_unit_id = office.id
    m.accepted_at = at
    _send(session, m, office, BodyRole.handling, at)
    _start(m, ctx, MatterState.handling, at, "handle")
    return "信访办公室受理并办理" + (f"：{body.text}" if body.text else "")


def _refer(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    unit = _unit(session, body.unit, "请选择转送或交办的机关")
    mode = _required(body.mode, "mode", "请选择转送或交办")
    _decided(m, at)
    m.handling_unit_id = unit.id
    _send(session, m, unit, BodyRole.handling, at)
    _start(m, ctx, MatterState.referred, at, "take")
    return f"{mode}至{unit.name}" + (f"：{body.text}" if body.text else "")


def _refuse(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    reason = _required(body.text, "text", "请填写不予受理的理由（须书面告知信访人）")
    if m.state == MatterState.registered:
        _decided(m, at)
    m.refusal_reason = reason
    _start(m, ctx, MatterState.refused, at, None)
    return f"不予受理：{reason}"


def _take(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    m.accepted_at = at
    _start(m, ctx, MatterState.handling, at, "handle")
    return "有权处理机关受理" + (f"：{body.text}" if body.text else "")


def _extend(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    if m.extended:
        raise Conflict("办理期限只能延长一次")
    if body.days is None:
        raise ValidationFailed("请填写延长的工作日数（1–30）", field="days")
    reason = _required(body.text, "text", "请填写延期理由（须告知信访人）")
    assert m.due_at is not None
    if at > as_aware(m.due_at):
        raise Conflict("办理期限已届满，不能再延期")
    m.due_at = deadline(as_aware(m.due_at), Duration(body.days, "wd"), ctx.tz)
    m.extended = True
    m.extension_reason = reason
    m.warning = False
    m.overdue = False
    return f"办理期限延长 {body.days} 个工作日，理由已告知信访人：{reason}"


def _reply(session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime) -> str:
    m.reply = _required(body.text, "text", "请填写答复意见书")
    m.replied_at = at
    m.replied_on_time = m.due_at is None or at <= as_aware(m.due_at)
    _start(m, ctx, MatterState.replied, at, "request_review")
    return "出具答复意见书"


def _request(kind: str, role: BodyRole, target: MatterState, limit: str) -> Step:
    def step(
        session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime
    ) -> str:
        assert m.due_at is not None
        if at > as_aware(m.due_at):
            raise Conflict(f"已超过申请{kind}的期限（收到书面答复之日起 30 日），不再受理{kind}请求")
        unit = _unit(session, body.unit, f"请选择{kind}机关（原办理机关的上一级机关）")
        if unit.id == m.handling_unit_id:
            raise ValidationFailed(f"{kind}机关应为原办理机关的上一级机关", field="unit")
        _send(session, m, unit, role, at)
        _start(m, ctx, target, at, limit)
        return f"信访人申请{kind}，由{unit.name}{kind}" + (f"：{body.text}" if body.text else "")

    return step


def _opinion(kind: str, attr: str, target: MatterState, limit: str | None) -> Step:
    def step(
        session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime
    ) -> str:
        setattr(m, attr, _required(body.text, "text", f"请填写{kind}意见"))
        _start(m, ctx, target, at, limit)
        if target == MatterState.concluded:
            m.concluded_at = at
        return f"出具{kind}意见" + ("，事项终结" if target == MatterState.concluded else "")

    return step


def _conclude(
    session: Session, ctx: CaseContext, m: PetitionMatter, body: PetitionStepIn, at: datetime
) -> str:
    assert m.due_at is not None
    if at <= as_aware(m.due_at):
        raise Conflict("信访人申请复查（复核）的期限尚未届满，不能终结")
    _start(m, ctx, MatterState.concluded, at, None)
    m.concluded_at = at
    return "申请期限届满，信访人未申请，事项终结"


STEPS: dict[str, Step] = {
    "accept": _accept,
    "refer": _refer,
    "refuse": _refuse,
    "take": _take,
    "extend": _extend,
    "reply": _reply,
    "request_review": _request("复查", BodyRole.review, MatterState.reviewing, "review"),
    "review": _opinion("复查", "review_opinion", MatterState.reviewed, "request_recheck"),
    "request_recheck": _request("复核", BodyRole.recheck, MatterState.rechecking, "recheck"),
    "recheck": _opinion("复核", "recheck_opinion", MatterState.concluded, None),
    "conclude": _conclude,
}


def act(
    session: Session, ctx: CaseContext, actor: Actor, code: str, action: str, body: PetitionStepIn
) -> PetitionMatter:
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(f"未知的办理环节：{action}")
    can_handle_petition.require(actor)
    matter = petitions.get_readable(session, actor, code, for_update=True)
    body_role = BODY_FOR_ACTION.get(action)
    by_body = rule.by_body and body_role is not None and _is_body(session, actor, matter, body_role)
    if action == "refuse" and matter.state == MatterState.registered:
        by_body = False  # refusing at registration is the office's decision
    if not is_office_of(actor, matter) and not by_body:
        raise Forbidden(f"只有信访办公室或承办该环节的机关可以{rule.label}")
    if matter.state not in rule.sources:
        raise Conflict(f"事项当前为“{STATE_LABELS[matter.state]}”，不能{rule.label}")
    now = ctx.now()
    at = local(body.at, ctx) if body.at else now
    if at > now + FUTURE_SLACK:
        raise ValidationFailed("办理时间不能晚于现在", field="at")
    if at < as_aware(matter.stage_started_at):
        raise ValidationFailed("办理时间不能早于上一环节", field="at")
    before = matter.state
    note = STEPS[action](session, ctx, matter, body, at)
    record_step(session, matter, action, actor.username, at, from_state=before, note=note)
    audit.record(
        session,
        actor=actor.username,
        action=f"petitions.{action}",
        target_type="petition_matter",
        target_id=matter.code,
        detail={"from": before.value, "to": matter.state.value},
    )
    return matter


def applicable_actions(session: Session, actor: Actor, matter: PetitionMatter) -> list[tuple[str, str]]:
    """The steps ``actor`` may take on ``matter`` now, as (action, label): what the pages offer."""
    if not can_handle_petition(actor):
        return []
    office = is_office_of(actor, matter)
    found: list[tuple[str, str]] = []
    for name, rule in RULES.items():
        if matter.state not in rule.sources:
            continue
        body_role = BODY_FOR_ACTION.get(name)
        by_body = rule.by_body and body_role is not None and _is_body(session, actor, matter, body_role)
        if name == "refuse" and matter.state == MatterState.registered:
            by_body = False
        if name == "extend" and matter.extended:
            continue
        if office or by_body:
            found.append((name, rule.label))
    return found
