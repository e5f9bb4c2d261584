"""The dispatcher's side: read a recommendation, list the manual queue, accept or override.

Accepting dispatches with the recommendation and overriding dispatches with the dispatcher's choice;
both go through the lifecycle's ``dispatch`` action (``lifecycle.perform``), so its checks, events,
deadlines and audit apply unchanged, and the decision is recorded by ``decisions.record_dispatch``
(the same function the web's 派单 form reaches): an override is kept as a :class:`TriageOverride`
row, which ``zhili triage train --from-db`` reads as a corrected label.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle import service as lifecycle
from zhili.cases.models import Case
from zhili.cases.repository import get_readable, readable_cases
from zhili.cases.schemas import ActionIn
from zhili.cases.states import CaseState
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.taxonomy import repository as taxonomy
from zhili.triage import decisions
from zhili.triage.models import Recommendation
from zhili.triage.schemas import AcceptIn, OverrideIn, QueueItem, QueuePage, RecommendationOut
from zhili.units.models import Unit

NO_RECOMMENDATION = "该诉求没有分类派单建议"


def recommendation_of(session: Session, actor: Actor, code: str) -> tuple[Case, Recommendation]:
    case = get_readable(session, actor, code)
    rec = session.scalars(select(Recommendation).where(Recommendation.case_id == case.id)).one_or_none()
    if rec is None:
        raise NotFound(NO_RECOMMENDATION)
    return case, rec


def to_out(case: Case, rec: Recommendation) -> RecommendationOut:
    return RecommendationOut(
        case=case.code,
        model_version=rec.model_version,
        categories=[
            {"label": label, "category": code, "probability": p}
            for label, code, p in json.loads(rec.categories)
        ],
        category=rec.category_code,
        demand_types=[{"label": label, "probability": p} for label, p in json.loads(rec.demand_types)],
        confidence=rec.confidence,
        lead_unit=rec.lead_unit_code,
        co_units=[c for c in rec.co_unit_codes.split(",") if c],
        dispatch_mode=rec.dispatch_mode,
        matched_rules=json.loads(rec.matched_rules),
        explanation=json.loads(rec.explanation),
        duplicates=json.loads(rec.duplicates),
        knowledge=json.loads(rec.knowledge),
        needs_review=rec.needs_review,
        status=rec.status,
        decided_by=rec.decided_by,
        decided_at=rec.decided_at,
        created_at=rec.created_at,
    )


def queue(session: Session, actor: Actor, limit: int = 50, offset: int = 0) -> QueuePage:
    """Received cases whose recommendation needs a person (low confidence or no unit), oldest first."""
    scoped = readable_cases(actor).subquery()
    statement = (
        select(scoped.c.code, scoped.c.title, scoped.c.received_at, Recommendation)
        .join(Recommendation, Recommendation.case_id == scoped.c.id)
        .where(
            Recommendation.needs_review.is_(True),
            Recommendation.status == "pending",
            scoped.c.state == CaseState.received,
        )
    )
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(statement.order_by(scoped.c.received_at, scoped.c.id).limit(limit).offset(offset))
    items = [
        QueueItem(
            case=row.code,
            title=row.title,
            received_at=row.received_at,
            confidence=row.Recommendation.confidence,
            category=row.Recommendation.category_code,
            lead_unit=row.Recommendation.lead_unit_code,
            duplicates=len(json.loads(row.Recommendation.duplicates)),
        )
        for row in rows
    ]
    return QueuePage(total=int(total), items=items)


def _pending(rec: Recommendation) -> None:
    if rec.status != "pending":
        raise Conflict(f"该建议已处理（{decisions.STATUS_LABELS.get(rec.status, rec.status)}）")


def accept(session: Session, ctx: CaseContext, actor: Actor, code: str, body: AcceptIn) -> Case:
    case, rec = recommendation_of(session, actor, code)
    _pending(rec)
    if rec.lead_unit_code is None:
        raise ValidationFailed("该建议没有主办单位，请改派（override）并指定主办单位", field="lead_unit")
    action = ActionIn(
        version=body.version,
        lead_unit=rec.lead_unit_code,
        co_units=[c for c in rec.co_unit_codes.split(",") if c],
        category=None if case.category_id else rec.category_code,
        note=body.note or "采纳智能派单建议",
    )
    case = lifecycle.perform(session, ctx, actor, code, "dispatch", action)
    decisions.record_dispatch(session, actor, case, source="api", co_units=action.co_units, reason=body.note)
    return case


def _check_units(session: Session, codes: Sequence[str], field: str) -> None:
    for code in codes:
        if session.scalar(select(Unit.id).where(Unit.code == code, Unit.active.is_(True))) is None:
            raise ValidationFailed(f"单位不存在或已停用：{code}", field=field)


def override(session: Session, ctx: CaseContext, actor: Actor, code: str, body: OverrideIn) -> Case:
    case, rec = recommendation_of(session, actor, code)
    _pending(rec)
    if body.category is not None:
        category = taxonomy.by_code(session, body.category)
        if category is None or not category.active:
            raise ValidationFailed(f"未知的诉求分类：{body.category}", field="category")
    _check_units(session, [body.lead_unit], "lead_unit")
    _check_units(session, body.co_units, "co_units")
    action = ActionIn(
        version=body.version,
        lead_unit=body.lead_unit,
        co_units=body.co_units,
        category=body.category,
        note=body.reason or "调度员改派",
    )
    case = lifecycle.perform(session, ctx, actor, code, "dispatch", action)
    decisions.record_dispatch(session, actor, case, source="api", co_units=body.co_units, reason=body.reason)
    return case
