"""Choose the time limits for a case from the policy rules, and compute its deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.errors import ValidationFailed
from zhili.kernel.worktime import Duration, deadline
from zhili.taxonomy.models import TimeLimitPolicy

LIMIT_FIELDS = ("sign_limit", "contact_limit", "feedback_limit", "checkin_limit", "max_extension")
MATCHERS = ("urgency", "demand_type", "category_prefix", "unit_kind", "complex_case")


@dataclass(frozen=True)
class CaseTraits:
    urgency: str
    demand_type: str
    category_code: str | None
    unit_kind: str | None
    complex_case: bool


@dataclass(frozen=True)
class Limits:
    sign: Duration
    contact: Duration
    feedback: Duration
    checkin: Duration
    max_extension: Duration
    rules: tuple[str, ...]

    def due(self, start: datetime, which: str, tz: ZoneInfo) -> datetime:
        return deadline(start, getattr(self, which), tz)


def _matches(rule: TimeLimitPolicy, traits: CaseTraits) -> bool:
    if rule.urgency and rule.urgency != traits.urgency:
        return False
    if rule.demand_type and rule.demand_type != traits.demand_type:
        return False
    if rule.category_prefix and not (traits.category_code or "").startswith(rule.category_prefix):
        return False
    if rule.unit_kind and rule.unit_kind != traits.unit_kind:
        return False
    return rule.complex_case is None or rule.complex_case == traits.complex_case


def _specificity(rule: TimeLimitPolicy) -> int:
    return sum(getattr(rule, m) is not None for m in MATCHERS)


def resolve_limits(session: Session, traits: CaseTraits) -> Limits:
    rules = session.execute(select(TimeLimitPolicy).where(TimeLimitPolicy.active.is_(True))).scalars().all()
    chosen: dict[str, str] = {}
    applied: list[str] = []
    for rule in sorted(rules, key=lambda r: (r.priority, _specificity(r), r.id)):
        if not _matches(rule, traits):
            continue
        applied.append(rule.name)
        for field in LIMIT_FIELDS:
            value = getattr(rule, field)
            if value:
                chosen[field] = value
    missing = [f for f in LIMIT_FIELDS if f not in chosen]
    if missing:
        raise ValidationFailed("时限规则不完整：缺少默认规则（需设置全部时限）", field=missing[0])
    return Limits(
        sign=Duration.parse(chosen["sign_limit"]),
        contact=Duration.parse(chosen["contact_limit"]),
        feedback=Duration.parse(chosen["feedback_limit"]),
        checkin=Duration.parse(chosen["checkin_limit"]),
        max_extension=Duration.parse(chosen["max_extension"]),
        rules=tuple(applied),
    )
