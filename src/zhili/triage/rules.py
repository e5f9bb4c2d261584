"""Editing routing rules: every field checked before anything is written, every change audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.divisions.models import Division
from zhili.errors import NotFound, ValidationFailed
from zhili.taxonomy.enums import DemandType
from zhili.taxonomy.models import Category
from zhili.triage import routing
from zhili.triage.models import RoutingRule
from zhili.triage.schemas import RuleIn, RuleOut
from zhili.units.models import Unit


def _unit_exists(session: Session, code: str) -> bool:
    return bool(session.scalar(select(exists().where(Unit.code == code, Unit.active.is_(True)))))


def validate(session: Session, body: RuleIn) -> None:
    if bool(body.lead_unit) == bool(body.lead_unit_type):
        raise ValidationFailed(
            "请指定主办单位（lead_unit）或主办单位类型（lead_unit_type）中的一项", field="lead_unit"
        )
    if body.category_prefix and not session.scalar(
        select(exists().where(Category.code == body.category_prefix))
    ):
        raise ValidationFailed(f"未知的诉求分类：{body.category_prefix}", field="category_prefix")
    if body.division_prefix and not session.scalar(
        select(exists().where(Division.code == body.division_prefix))
    ):
        raise ValidationFailed(f"未知的行政区划：{body.division_prefix}", field="division_prefix")
    if body.demand_type and body.demand_type not in {t.value for t in DemandType}:
        choices = "、".join(t.value for t in DemandType)
        raise ValidationFailed(f"未知的诉求类型：{body.demand_type}（可选：{choices}）", field="demand_type")
    if body.lead_unit and not _unit_exists(session, body.lead_unit):
        raise ValidationFailed(f"主办单位不存在或已停用：{body.lead_unit}", field="lead_unit")
    if body.lead_unit_type and body.lead_unit_type != routing.STREET:
        known = session.scalar(select(exists().where(Unit.unit_type == body.lead_unit_type)))
        if not known:
            raise ValidationFailed(f"未知的单位类型：{body.lead_unit_type}", field="lead_unit_type")
    for code in body.co_units:
        if not _unit_exists(session, code):
            raise ValidationFailed(f"协办单位不存在或已停用：{code}", field="co_units")


def to_out(rule: RoutingRule) -> RuleOut:
    return RuleOut(
        id=rule.id,
        name=rule.name,
        category_prefix=rule.category_prefix,
        division_prefix=rule.division_prefix,
        demand_type=rule.demand_type,
        lead_unit=rule.lead_unit_code,
        lead_unit_type=rule.lead_unit_type,
        co_units=[c for c in rule.co_unit_codes.split(",") if c],
        priority=rule.priority,
        active=rule.active,
        note=rule.note,
        updated_by=rule.updated_by,
        updated_at=rule.updated_at,
    )


def _apply(rule: RoutingRule, body: RuleIn, actor: Actor) -> None:
    rule.name = body.name
    rule.category_prefix = body.category_prefix
    rule.division_prefix = body.division_prefix
    rule.demand_type = body.demand_type
    rule.lead_unit_code = body.lead_unit
    rule.lead_unit_type = body.lead_unit_type
    rule.co_unit_codes = ",".join(dict.fromkeys(body.co_units))
    rule.priority = body.priority
    rule.active = body.active
    rule.note = body.note
    rule.updated_by = actor.username


def _audit(session: Session, actor: Actor, action: str, rule: RoutingRule, detail: dict[str, Any]) -> None:
    audit.record(
        session,
        actor=actor.username,
        action=action,
        target_type="routing_rule",
        target_id=rule.id,
        detail=detail,
    )


def list_rules(session: Session) -> Sequence[RoutingRule]:
    return session.scalars(select(RoutingRule).order_by(RoutingRule.priority.desc(), RoutingRule.id)).all()


def get_rule(session: Session, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"派单规则 {rule_id} 不存在", field="rule_id")
    return rule


def create_rule(session: Session, actor: Actor, body: RuleIn) -> RoutingRule:
    validate(session, body)
    rule = RoutingRule()
    _apply(rule, body, actor)
    session.add(rule)
    session.flush()
    _audit(session, actor, "routing_rule.create", rule, body.model_dump())
    routing.invalidate(session)
    return rule


def update_rule(session: Session, actor: Actor, rule_id: int, body: RuleIn) -> RoutingRule:
    rule = get_rule(session, rule_id)
    validate(session, body)
    before = to_out(rule).model_dump(exclude={"updated_at", "updated_by", "id"})
    _apply(rule, body, actor)
    session.flush()
    _audit(session, actor, "routing_rule.update", rule, {"before": before, "after": body.model_dump()})
    routing.invalidate(session)
    return rule


def delete_rule(session: Session, actor: Actor, rule_id: int) -> None:
    rule = get_rule(session, rule_id)
    before = to_out(rule).model_dump(exclude={"updated_at"})
    session.delete(rule)
    session.flush()
    _audit(session, actor, "routing_rule.delete", rule, {"before": before})
    routing.invalidate(session)
