"""Citizen self-service: track a case by its code and phone tail, and answer the 回访 by link.

A citizen has no jurisdiction scope: what proves the right to a case is the tracking code together
with the last four digits of the phone it was registered with (or, for the 回访, the link's token).
So these lookups go by code alone, and everything they return is public by construction: states,
public events described in fixed words, the lead unit's name and its reply — never the citizen's
name, phone, ID number or address, nor staff usernames or free-text internal notes.

A wrong tail, a case without a phone and an unknown code all answer the same 404.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import citizen
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle import closing
from zhili.cases.lifecycle.service import apply_step
from zhili.cases.models import Case, CaseEvent
from zhili.cases.privacy import open_contact
from zhili.cases.schemas import ActionIn
from zhili.cases.states import SATISFACTION_LABELS, STATE_LABELS, CaseState, Satisfaction
from zhili.cases.tracking.guard import MAX_CODE_LENGTH, clean_code, guarded_lookup
from zhili.cases.tracking.visit_link import visit_token
from zhili.cases.views import EVENT_LABELS
from zhili.errors import Conflict, NotFound
from zhili.kernel.clock import as_aware
from zhili.kernel.ratelimit import Limit, RateLimits
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, DemandType
from zhili.units.models import Unit

CITIZEN = citizen("citizen")
TRACK_NOT_FOUND = "未找到该诉求，请核对受理编号和登记电话的后四位"
LINK_NOT_FOUND = "评价链接无效，请核对短信中的链接"
OLD_LINK_MESSAGE = (
    "此评价链接格式已停用。请打开短信中的新链接，或在“查询进度”中凭受理编号和登记电话后四位查看办理结果。"
)
REPLIED_STATES = frozenset({CaseState.reported, CaseState.visited, CaseState.closed})

# Public events are described in fixed words: staff notes may name people and are never shown.
PUBLIC_LABELS = {
    "intake": "已受理",
    "dispatch": "已派单",
    "sign": "已签收",
    "report": "已反馈",
    "close": "已办结",
    "direct_close": "已答复办结",
    "reopen": "重新办理",
    "approve_extension": "办理延期",
    "merge": "已合并",
    "transfer_suggestion": "已转人民建议征集",
}
PUBLIC_NOTES = {
    "intake": "您的诉求已受理",
    "dispatch": "已转交{unit}办理",
    "sign": "{unit}已签收，正在办理",
    "report": "{unit}已反馈办理结果",
    "close": "诉求已办结",
    "direct_close": "已依据政策答复，诉求办结",
    "reopen": "根据回访情况，诉求已重新交办",
    "approve_extension": "经审核，办理期限已依规延长",
    "merge": "已与反映同一问题的诉求合并办理",
    "transfer_suggestion": "您的建议已转人民建议征集办公室审阅",
}


class TimelineItem(BaseModel):
    at: datetime
    label: str
    note: str | None


class TrackOut(BaseModel):
    code: str
    state: CaseState
    state_label: str
    demand_type: DemandType
    demand_type_label: str
    title: str
    received_at: datetime
    lead_unit_name: str | None = Field(description="主办单位名称")
    reply: str | None = Field(description="承办单位的答复（已反馈后才有）")
    replied_at: datetime | None
    feedback_due: datetime | None = Field(description="办理时限")
    awaiting_visit: bool = Field(description="是否等待回访评价")
    closed_at: datetime | None
    merged_state_label: str | None = Field(
        default=None, description="已合并时：一并办理的诉求的办理状态（答复、时限与进展也取自该诉求）"
    )
    timeline: list[TimelineItem]


def _satisfaction(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        for member, label in SATISFACTION_LABELS.items():
            if text in (member.value, label):
                return member
    raise PydanticCustomError("satisfaction", "请选择满意度：满意、基本满意或不满意")


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class VisitIn(BaseModel):
    """The citizen's 回访 answer; contacted is implied (the citizen is answering)."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=64, description="短信链接中的 token")
    solved: bool = Field(description="问题是否已解决")
    satisfaction: Annotated[Satisfaction, BeforeValidator(_satisfaction)] = Field(
        description="满意、基本满意、不满意（或 satisfied / basically_satisfied / unsatisfied）"
    )
    comment: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=1000)


class VisitOut(BaseModel):
    code: str
    state: CaseState
    state_label: str
    reopened: bool
    message: str


# -- lookups -----------------------------------------------------------------------------------------


def _by_code(session: Session, code: str) -> Case | None:
    if not code or len(code) > MAX_CODE_LENGTH:
        return None
    return session.execute(select(Case).where(Case.code == code)).scalar_one_or_none()


def track(
    session: Session,
    ctx: CaseContext,
    code: str,
    phone_tail: str | None,
    limits: RateLimits,
    wrong_tails: Limit,
) -> Case:
    """A citizen's lookup by code and phone tail (API and portal alike), guarded against guessing."""
    return guarded_lookup(
        code,
        phone_tail,
        limits,
        wrong_tails,
        lambda key: _by_code(session, key),
        lambda case: open_contact(case, ctx.cipher).phone,
        TRACK_NOT_FOUND,
        "该受理编号的查询错误次数过多",
    )


def find_for_visit_link(session: Session, ctx: CaseContext, code: str, token: str) -> Case:
    code = clean_code(code)
    expected = visit_token(ctx.cipher, code)
    case = _by_code(session, code)
    if not hmac.compare_digest(expected.encode(), token.encode()) or case is None:
        raise NotFound(LINK_NOT_FOUND)
    return case


# -- the public view ---------------------------------------------------------------------------------


def _public_events(session: Session, case: Case) -> Sequence[CaseEvent]:
    return (
        session.execute(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
            .order_by(CaseEvent.seq)
        )
        .scalars()
        .all()
    )


def _unit_names(session: Session, ids: set[int], codes: set[str]) -> tuple[dict[int, str], dict[str, str]]:
    if not ids and not codes:
        return {}, {}
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(ids) | Unit.code.in_(codes))
    ).all()
    return {i: name for i, _, name in rows}, {c: name for _, c, name in rows}


def _event_unit(event: CaseEvent, by_id: dict[int, str], by_code: dict[str, str]) -> str:
    if event.action == "dispatch":
        code = json.loads(event.data or "{}").get("lead_unit")
        return by_code.get(code or "", "承办单位")
    return by_id.get(event.actor_unit_id or 0, "承办单位")


MAX_MERGE_HOPS = 5


def _handled_by(session: Session, case: Case) -> Case:
    """The case a merged demand is handled with (following a chain of merges)."""
    target = case
    for _ in range(MAX_MERGE_HOPS):
        if target.state != CaseState.merged or target.merged_into_id is None:
            break
        following = session.get(Case, target.merged_into_id)
        if following is None:
            break
        target = following
    return target


def public_view(session: Session, case: Case) -> TrackOut:
    """What a citizen sees; a merged demand shows the state, reply and progress of the case it was
    merged into (without that case's code or anyone's personal data)."""
    own = _view(session, case)
    target = _handled_by(session, case)
    if target is case:
        return own
    theirs = _view(session, target)
    merged_at = next((item.at for item in own.timeline if item.label == PUBLIC_LABELS["merge"]), None)
    later = [item for item in theirs.timeline if merged_at is None or item.at >= merged_at]
    return own.model_copy(
        update={
            "merged_state_label": theirs.state_label,
            "lead_unit_name": theirs.lead_unit_name,
            "reply": theirs.reply,
            "replied_at": theirs.replied_at,
            "feedback_due": theirs.feedback_due,
            "closed_at": theirs.closed_at,
            "timeline": own.timeline + later,
        }
    )


def _view(session: Session, case: Case) -> TrackOut:
    events = _public_events(session, case)
    dispatched_to = {json.loads(e.data or "{}").get("lead_unit") for e in events if e.action == "dispatch"}
    ids = {i for i in (case.lead_unit_id, *(e.actor_unit_id for e in events)) if i}
    by_id, by_code = _unit_names(session, ids, {c for c in dispatched_to if c})
    timeline = []
    for event in events:
        template = PUBLIC_NOTES.get(event.action)
        note = template.format(unit=_event_unit(event, by_id, by_code)) if template else None
        label = PUBLIC_LABELS.get(event.action) or EVENT_LABELS.get(event.action, "办理进展")
        timeline.append(TimelineItem(at=as_aware(event.at), label=label, note=note))
    replied = case.state in REPLIED_STATES and bool(case.reply)
    return TrackOut(
        code=case.code,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        demand_type=case.demand_type,
        demand_type_label=DEMAND_TYPE_LABELS[case.demand_type],
        title=case.title,
        received_at=as_aware(case.received_at),
        lead_unit_name=by_id.get(case.lead_unit_id or 0),
        reply=case.reply if replied else None,
        replied_at=as_aware(case.reported_at) if replied and case.reported_at else None,
        feedback_due=as_aware(case.feedback_due) if case.feedback_due else None,
        awaiting_visit=case.state == CaseState.reported,
        closed_at=as_aware(case.closed_at) if case.closed_at else None,
        timeline=timeline,
    )


# -- 回访 by the citizen ------------------------------------------------------------------------------


def _check_awaiting_visit(case: Case) -> None:
    if case.state == CaseState.reported:
        return
    if case.state == CaseState.closed:
        raise Conflict("该诉求已办结，无需再次评价")
    if case.state == CaseState.visited:
        raise Conflict("该诉求已回访，感谢您的评价")
    if case.state == CaseState.merged:
        raise Conflict("该诉求已与其他诉求合并办理，无需评价")
    raise Conflict("承办单位尚未反馈办理结果，请收到反馈短信后再评价")


def self_visit(
    session: Session, ctx: CaseContext, code: str, body: VisitIn, client_ip: str | None = None
) -> VisitOut:
    """Record the citizen's 回访 through the same handler an operator uses (close or 重办 follow)."""
    case = find_for_visit_link(session, ctx, code, body.token)
    _check_awaiting_visit(case)
    answer = ActionIn(
        contacted=True, solved=body.solved, satisfaction=body.satisfaction, comment=body.comment
    )
    apply_step(
        session,
        ctx,
        CITIZEN,
        case,
        "visit",
        lambda: closing.visit(session, ctx, CITIZEN, case, answer),
        client_ip=client_ip,
        detail={"via": "self_service", "solved": body.solved, "satisfaction": body.satisfaction.value},
    )
    reopened = case.state == CaseState.dispatched
    if case.state == CaseState.closed:
        message = "感谢您的评价，诉求已办结"
    elif reopened:
        message = "感谢您的评价，诉求已重新交办承办单位办理"
    else:
        message = "感谢您的评价，工作人员将跟进处理"
    return VisitOut(
        code=case.code,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        reopened=reopened,
        message=message,
    )
