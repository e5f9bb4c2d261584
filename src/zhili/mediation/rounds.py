"""矛盾纠纷排查 rounds: a community's staff record who checked, on which day and what they found;
each finding may be registered as a dispute (source 排查发现) with its parties, once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases.context import CaseContext
from zhili.divisions.models import Division
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.mediation import intake
from zhili.mediation import repository as disputes
from zhili.mediation.models import CheckFinding, CheckRound, Dispute
from zhili.mediation.policy import can_check_disputes
from zhili.mediation.schemas import DisputeIn, FindingDisputeIn, RoundIn
from zhili.mediation.states import KIND_LABELS, DisputeSource


def record(session: Session, ctx: CaseContext, actor: Actor, body: RoundIn) -> CheckRound:
    can_check_disputes.require(actor)
    if session.get(Division, body.division_code) is None:
        raise ValidationFailed(f"社区编码 {body.division_code} 不存在", field="division_code")
    if not readable(actor).covers(body.division_code):
        raise ValidationFailed(f"社区 {body.division_code} 不在您的辖区内", field="division_code")
    now = ctx.now()
    if body.checked_on > now.astimezone(ctx.tz).date():
        raise ValidationFailed("排查日期不能晚于今天", field="checked_on")
    check = CheckRound(
        division_code=body.division_code,
        checked_on=body.checked_on,
        checkers=body.checkers,
        summary=body.summary,
        created_by=actor.username,
        created_at=now,
    )
    session.add(check)
    session.flush()
    for position, finding in enumerate(body.findings, start=1):
        session.add(
            CheckFinding(
                round_id=check.id,
                position=position,
                kind=finding.kind,
                place=finding.place,
                description=finding.description,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="mediation.round.add",
        target_type="mediation_round",
        target_id=str(check.id),
        detail={"community": body.division_code, "findings": len(body.findings)},
    )
    return check


def register_finding(
    session: Session, ctx: CaseContext, actor: Actor, round_id: int, position: int, body: FindingDisputeIn
) -> Dispute:
    """The finding becomes a dispute of the round's community: kind, place and facts as found."""
    can_check_disputes.require(actor)
    check = disputes.get_round(session, actor, round_id)
    finding = next((f for f in disputes.findings_of(session, check.id) if f.position == position), None)
    if finding is None:
        raise NotFound(f"排查记录 {round_id} 没有第 {position} 项发现")
    if finding.dispute_id is not None:
        raise Conflict(f"该项发现已登记为纠纷 {disputes.dispute_code_of(session, finding.dispute_id)}")
    registration = DisputeIn(
        kind=finding.kind,
        source=DisputeSource.screening,
        title=body.title or f"{finding.place or ''}{KIND_LABELS[finding.kind]}（排查发现）"[:200],
        facts=finding.description,
        division_code=check.division_code,
        place=finding.place,
        parties=body.parties,
    )
    dispute = intake.register(session, ctx, actor, registration).dispute
    finding.dispute_id = dispute.id
    session.flush()
    return dispute
