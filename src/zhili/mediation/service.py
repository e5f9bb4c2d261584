"""The course of a dispute, step by step (table ``states.RULES``): 分流 by the rules in the database,
assignment (the least-loaded fitting mediator unless one is named), sessions, the outcome (an
agreement, or the next path when mediation fails), 司法确认 and the follow-up on performance.

Only staff whose jurisdiction covers the dispute's place act on it; every check runs before any
write, so a refused step writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.kernel import fields
from zhili.kernel.clock import as_aware
from zhili.mediation import repository as disputes
from zhili.mediation.models import Dispute, DisputeSession, DisputeStep, MediationCommittee, Mediator
from zhili.mediation.policy import can_mediate
from zhili.mediation.schemas import DisputeStepIn
from zhili.mediation.states import (
    NEXT_PATH_LABELS,
    RULES,
    STATE_LABELS,
    TRACK_LABELS,
    Confirmation,
    DisputeSource,
    DisputeState,
    NextPath,
    Track,
)

FUTURE_SLACK = timedelta(minutes=5)
Step = Callable[[Session, Dispute, DisputeStepIn, datetime, str], str]  # … and who records it


def _required(value: str | None, field: str, message: str) -> str:
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def route_track(session: Session, dispute: Dispute) -> Track:
    """The first active rule, by priority, whose kind and source match (empty matches any)."""
    for rule in disputes.routing_rules(session):
        if not rule.active:
            continue
        if rule.kind not in (None, dispute.kind) or rule.source not in (None, dispute.source):
            continue
        return rule.track
    return Track.people


def _route(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    track = body.track or route_track(session, d)
    if body.committee_id is not None:
        committee = session.get(MediationCommittee, body.committee_id)
        if committee is None or not committee.active or committee.track != track:
            raise ValidationFailed(f"所选调解组织不存在或不承担{TRACK_LABELS[track]}", field="committee_id")
        if not d.division_code.startswith(committee.division_code):
            raise ValidationFailed("所选调解组织不负责纠纷发生地", field="committee_id")
    else:
        committee = disputes.committee_for(session, track, d.division_code)
        if committee is None:
            raise ValidationFailed(
                f"纠纷发生地没有登记{TRACK_LABELS[track]}组织，请先在调解组织名册中登记", field="committee_id"
            )
    d.track = track
    d.committee_id = committee.id
    how = "人工指定" if body.track else "按分流规则"
    return f"{how}分流至{TRACK_LABELS[track]}：{committee.name}"


def _mediator(session: Session, d: Dispute, mediator_id: int | None) -> Mediator:
    if mediator_id is None:
        suggested = disputes.suggested_mediators(session, d)
        if not suggested:
            raise ValidationFailed(
                "本调解组织没有擅长此类纠纷、负责此地区的调解员，请指定调解员", field="mediator_id"
            )
        return suggested[0][0]
    mediator = session.get(Mediator, mediator_id)
    if mediator is None or not mediator.active or mediator.committee_id != d.committee_id:
        raise ValidationFailed("所选调解员不存在或不属于承办的调解组织", field="mediator_id")
    return mediator


def _assign(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    mediator = _mediator(session, d, body.mediator_id)
    d.mediator_id = mediator.id
    return f"指派调解员{mediator.name}"


def _session(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    place = _required(body.place, "place", "请填写调解地点")
    notes = _required(body.notes, "notes", "请填写调解情况")
    if not body.attendees:
        raise ValidationFailed("请选择到场的当事人", field="attendees")
    count = len(disputes.parties_of(session, d.id))
    if any(position > count for position in body.attendees):
        raise ValidationFailed(f"到场当事人序号应在 1–{count} 之间", field="attendees")
    if d.mediator_id is None or body.mediator_id is not None:
        d.mediator_id = _mediator(session, d, body.mediator_id).id
    session.add(
        DisputeSession(
            dispute_id=d.id,
            mediator_id=d.mediator_id,
            at=at,
            place=place,
            attendees=",".join(str(p) for p in sorted(set(body.attendees))),
            notes=notes,
            recorded_by=by,
        )
    )
    return f"{place}调解：{notes}"


def _succeed(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    d.agreement_terms = _required(body.terms, "terms", "请填写调解协议内容")
    if body.performance_due is None:
        raise ValidationFailed("请填写履行期限", field="performance_due")
    problem = fields.moment_problem(body.performance_due)
    if problem or body.performance_due < at.date():
        raise ValidationFailed("履行期限应不早于协议签订之日", field="performance_due")
    d.performance_due = body.performance_due
    d.performance_method = _required(body.performance_method, "performance_method", "请填写履行方式")
    d.outcome = "success"
    d.agreed_at = at
    d.concluded_at = at
    return "调解成功，当事人签订调解协议"


def _fail(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    reason = _required(body.notes, "notes", "请填写调解不成的原因")
    if body.next_path is None:
        raise ValidationFailed("请选择后续途径（诉讼、仲裁或行政裁决）", field="next_path")
    d.failure_reason = reason
    d.next_path = body.next_path
    d.outcome = "failure"
    d.concluded_at = at
    note = f"调解不成：{reason}；告知当事人通过{NEXT_PATH_LABELS[body.next_path]}解决"
    if d.source == DisputeSource.court and body.next_path == NextPath.litigation:
        d.returned_to_court = True
        note += f"，案件退回{d.referring_body}依法审理"
    return note


def _apply_confirmation(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    if d.confirmation != Confirmation.none:
        raise Conflict("已申请过司法确认")
    court = _required(body.court, "court", "请填写受理司法确认申请的人民法院")
    d.confirmation = Confirmation.applied
    d.confirmation_court = court
    return f"当事人共同向{court}申请司法确认"


def _confirmation_result(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    if d.confirmation != Confirmation.applied:
        raise Conflict("尚未申请司法确认，或已登记结果")
    if body.confirmed is None:
        raise ValidationFailed("请选择法院是否确认调解协议有效", field="confirmed")
    d.confirmation = Confirmation.confirmed if body.confirmed else Confirmation.rejected
    return f"{d.confirmation_court}裁定" + ("确认调解协议有效" if body.confirmed else "不予确认")


def _follow_up(session: Session, d: Dispute, body: DisputeStepIn, at: datetime, by: str) -> str:
    if body.performed is None:
        raise ValidationFailed("请选择协议是否已履行", field="performed")
    note = _required(body.notes, "notes", "请填写回访情况")
    d.performed = body.performed
    d.follow_up_note = note
    d.followed_up_at = at
    d.state = DisputeState.performed if body.performed else DisputeState.unperformed
    return ("回访：协议已履行，" if body.performed else "回访：协议未履行，") + note


STEPS: dict[str, Step] = {
    "route": _route,
    "assign": _assign,
    "session": _session,
    "succeed": _succeed,
    "fail": _fail,
    "apply_confirmation": _apply_confirmation,
    "confirmation_result": _confirmation_result,
    "follow_up": _follow_up,
}


def act(
    session: Session, ctx: CaseContext, actor: Actor, code: str, action: str, body: DisputeStepIn
) -> Dispute:
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(f"未知的调解环节：{action}")
    can_mediate.require(actor)
    dispute = disputes.get_readable(session, actor, code, for_update=True)
    if dispute.state not in rule.sources:
        raise Conflict(f"纠纷当前为“{STATE_LABELS[dispute.state]}”，不能{rule.label}")
    now = ctx.now()
    at = as_aware(body.at) if body.at else now
    if at > now + FUTURE_SLACK:
        raise ValidationFailed("办理时间不能晚于现在", field="at")
    if at < as_aware(dispute.received_at):
        raise ValidationFailed("办理时间不能早于登记时间", field="at")
    before = dispute.state
    note = STEPS[action](session, dispute, body, at, actor.username)
    if rule.target is not None:
        dispute.state = rule.target
    session.add(
        DisputeStep(
            dispute_id=dispute.id,
            action=action,
            from_state=before.value,
            to_state=dispute.state.value,
            actor=actor.username,
            at=at,
            note=note,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action=f"mediation.{action}",
        target_type="dispute",
        target_id=dispute.code,
        detail={"from": before.value, "to": dispute.state.value},
    )
    return dispute
