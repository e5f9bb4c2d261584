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
from zhili.mediation.schemas import CommitteeIn, MediatorIn, RoutingRuleIn


def _division(session: Session, code: str, field: str) -> None:
    if session.get(Division, code) is None:
        raise ValidationFailed(f"区划编码 {code} 不存在", field=field)


def add_committee(session: Session, actor: Actor, body: CommitteeIn) -> MediationCommittee:
    can_keep_mediation_registry.require(actor)
    _division(session, body.division_code, "division_code")
    if session.execute(select(MediationCommittee.id).where(MediationCommittee.name == body.name)).first():
        raise Conflict(f"调解组织“{body.name}”已登记")
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


def add_mediator(session: Session, actor: Actor, body: MediatorIn) -> Mediator:
    can_keep_mediation_registry.require(actor)
    committee = session.get(MediationCommittee, body.committee_id)
    if committee is None:
        raise ValidationFailed(f"调解组织 {body.committee_id} 不存在", field="committee_id")
    _division(session, body.area, "area")
    if not body.area.startswith(committee.division_code):
        raise ValidationFailed("调解员负责的地区应在所属调解组织的服务范围内", field="area")
    user_id = None
    if body.username:
        user = session.execute(select(User).where(User.username == body.username)).scalar_one_or_none()
        if user is None:
            raise ValidationFailed(f"用户 {body.username} 不存在", field="username")
        user_id = user.id
    mediator = Mediator(
        committee_id=committee.id,
        name=body.name,
        specialties=",".join(dict.fromkeys(k.value for k in body.specialties)),
        area=body.area,
        user_id=user_id,
        active=True,
    )
    return audit.record_added(
        session, mediator, actor=actor.username, action="mediation.mediator.add", target_type="mediator"
    )


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
