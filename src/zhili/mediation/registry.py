"""The registry of committees and mediators, and the 分流 rules: kept by admins, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.models import User
from zhili.auth.scope import Actor
from zhili.divisions.models import Division
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.mediation.models import MediationCommittee, Mediator, RoutingRule
from zhili.mediation.policy import can_keep_mediation_registry
from zhili.mediation.schemas import (
    CommitteeIn,
    CommitteeUpdateIn,
    MediatorIn,
    MediatorUpdateIn,
    RoutingRuleIn,
)


def _division(session: Session, code: str, field: str, label: str) -> None:
    if session.get(Division, code) is None:
        raise ValidationFailed(f"{label}：区划编码 {code} 不存在", field=field)


def _committee_checks(session: Session, body: CommitteeIn, committee_id: int | None = None) -> None:
    _division(session, body.division_code, "division_code", "服务范围")
    same_name = select(MediationCommittee.id).where(MediationCommittee.name == body.name)
    if committee_id is not None:
        same_name = same_name.where(MediationCommittee.id != committee_id)
    if session.execute(same_name).first():
        raise Conflict(f"调解组织“{body.name}”已登记", field="name")


def add_committee(session: Session, actor: Actor, body: CommitteeIn) -> MediationCommittee:
    can_keep_mediation_registry.require(actor)
    _committee_checks(session, body)
    committee = MediationCommittee(
        name=body.name, track=body.track, division_code=body.division_code, active=True
    )
    return audit.record_added(
        session,
        committee,
        actor=actor.username,
        action="mediation.committee.add",
        target_type="mediation_committee",
    )


def update_committee(
    session: Session, actor: Actor, committee_id: int, body: CommitteeUpdateIn
) -> MediationCommittee:
    """Rename, re-track, move or (de)activate a committee. Its active mediators' areas must stay
    inside the area it serves."""
    can_keep_mediation_registry.require(actor)
    committee = session.get(MediationCommittee, committee_id)
    if committee is None:
        raise NotFound(f"调解组织 {committee_id} 不存在")
    _committee_checks(session, body, committee.id)
    outside = session.scalars(
        select(Mediator.name).where(
            Mediator.committee_id == committee.id,
            Mediator.active.is_(True),
            ~Mediator.area.startswith(body.division_code, autoescape=True),
        )
    ).first()
    if outside is not None:
        raise ValidationFailed(
            f"服务范围：调解员“{outside}”负责的地区不在新的服务范围内，请先调整该调解员",
            field="division_code",
        )
    for key, value in body.model_dump().items():
        setattr(committee, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="mediation.committee.update",
        target_type="mediation_committee",
        target_id=str(committee.id),
        detail={"active": committee.active},
    )
    return committee


def _mediator_fields(session: Session, body: MediatorIn) -> dict[str, object]:
    """The checked columns of a mediator: its committee exists, its area lies inside the committee's,
    the linked account exists."""
    committee = session.get(MediationCommittee, body.committee_id)
    if committee is None:
        raise ValidationFailed(f"调解组织 {body.committee_id} 不存在", field="committee_id")
    _division(session, body.area, "area", "负责地区")
    if not body.area.startswith(committee.division_code):
        raise ValidationFailed("调解员负责的地区应在所属调解组织的服务范围内", field="area")
    user_id = None
    if body.username:
        user = session.execute(select(User).where(User.username == body.username)).scalar_one_or_none()
        if user is None:
            raise ValidationFailed(f"用户 {body.username} 不存在", field="username")
        user_id = user.id
    return {
        "committee_id": committee.id,
        "name": body.name,
        "specialties": ",".join(dict.fromkeys(k.value for k in body.specialties)),
        "area": body.area,
        "user_id": user_id,
    }


def add_mediator(session: Session, actor: Actor, body: MediatorIn) -> Mediator:
    can_keep_mediation_registry.require(actor)
    mediator = Mediator(**_mediator_fields(session, body), active=True)
    return audit.record_added(
        session, mediator, actor=actor.username, action="mediation.mediator.add", target_type="mediator"
    )


def update_mediator(session: Session, actor: Actor, mediator_id: int, body: MediatorUpdateIn) -> Mediator:
    """Edit or (de)activate a mediator; the disputes assigned to him keep him."""
    can_keep_mediation_registry.require(actor)
    mediator = session.get(Mediator, mediator_id)
    if mediator is None:
        raise NotFound(f"调解员 {mediator_id} 不存在")
    for key, value in _mediator_fields(session, body).items():
        setattr(mediator, key, value)
    mediator.active = body.active
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="mediation.mediator.update",
        target_type="mediator",
        target_id=str(mediator.id),
        detail={"active": mediator.active},
    )
    return mediator


def add_rule(session: Session, actor: Actor, body: RoutingRuleIn) -> RoutingRule:
    can_keep_mediation_registry.require(actor)
    rule = RoutingRule(**body.model_dump())
    return audit.record_added(
        session, rule, actor=actor.username, action="mediation.rule.add", target_type="mediation_rule"
    )


def update_rule(session: Session, actor: Actor, rule_id: int, body: RoutingRuleIn) -> RoutingRule:
    can_keep_mediation_registry.require(actor)
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"分流规则 {rule_id} 不存在")
    for key, value in body.model_dump().items():
        setattr(rule, key, value)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="mediation.rule.update",
        target_type="mediation_rule",
        target_id=str(rule.id),
    )
    return rule
