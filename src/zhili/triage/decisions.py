"""How each suggestion fared at dispatch, in one place for every path: the web's 派单 form and the
API's dispatch action (through ``cases.flows.act``), the recommendation's accept / override routes,
and auto-dispatch all call :func:`record_dispatch` after the lifecycle dispatched the case.

A dispatch to another unit, or with another category, than the pending suggestion is an override:
it is kept as a :class:`TriageOverride` (the training signal ``--from-db`` reads) and audited. Every
decision is kept as a :class:`TriageDecision`, which the override report and the measured precision
of auto-dispatch read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.kernel.clock import utcnow
from zhili.taxonomy.models import Category
from zhili.triage.models import Recommendation, TriageDecision, TriageOverride
from zhili.units.models import Unit

ACCEPTED, OVERRIDDEN, AUTO = "accepted", "overridden", "auto"
STATUS_LABELS = {ACCEPTED: "已采纳", OVERRIDDEN: "已改派", AUTO: "已自动派单", "pending": "待处理"}
SOURCES = ("web", "api", "auto", "history")


def pending_recommendation(session: Session, case_id: int) -> Recommendation | None:
    return session.scalars(
        select(Recommendation).where(Recommendation.case_id == case_id, Recommendation.status == "pending")
    ).one_or_none()


def _code(session: Session, model: type[Unit] | type[Category], row_id: int | None) -> str | None:
    if row_id is None:
        return None
    return session.scalar(select(model.code).where(model.id == row_id))


def is_override(rec: Recommendation, lead_unit: str, category: str | None) -> bool:
    """Another unit than suggested, or a category on another branch of the taxonomy: choosing a
    sub-category of the suggested one (or its parent) refines the suggestion, it does not correct it."""
    if lead_unit != rec.lead_unit_code:
        return True
    suggested = rec.category_code
    if category is None or suggested is None:
        return False
    return not (category.startswith(suggested) or suggested.startswith(category))


def record_dispatch(
    session: Session,
    actor: Actor,
    case: Case,
    *,
    source: str,
    co_units: list[str] | None = None,
    reason: str | None = None,
    auto: bool = False,
    at: datetime | None = None,
) -> TriageDecision | None:
    """Compare a case just dispatched with its pending suggestion and record the decision (and the
    override, when it is one). A case without a pending suggestion records nothing."""
    rec = pending_recommendation(session, case.id)
    lead = _code(session, Unit, case.lead_unit_id)
    if rec is None or lead is None:
        return None
    category = _code(session, Category, case.category_id)
    overridden = is_override(rec, lead, category)
    outcome = AUTO if auto else OVERRIDDEN if overridden else ACCEPTED
    now = at or utcnow()
    decision = TriageDecision(
        case_id=case.id,
        recommendation_id=rec.id,
        suggested_category=rec.category_code,
        suggested_lead_unit=rec.lead_unit_code,
        confidence=rec.confidence,
        category_code=category,
        lead_unit_code=lead,
        outcome=outcome,
        source=source,
        decided_by=actor.username,
        decided_at=now,
    )
    session.add(decision)
    # An override by a person is a training signal and audited; a comparison with imported history
    # (``history``) is neither — the backfill is audited once, as a whole.
    if overridden and not auto and source != "history":
        session.add(
            TriageOverride(
                case_id=case.id,
                recommendation_id=rec.id,
                suggested_category=rec.category_code,
                suggested_lead_unit=rec.lead_unit_code,
                category_code=category,
                lead_unit_code=lead,
                co_unit_codes=",".join(co_units or []),
                reason=reason,
                created_by=actor.username,
                created_at=now,
            )
        )
        audit.record(
            session,
            actor=actor.username,
            action="triage.override",
            target_type="case",
            target_id=case.code,
            detail={
                "source": source,
                "suggested": {"lead_unit": rec.lead_unit_code, "category": rec.category_code},
                "chosen": {"lead_unit": lead, "category": category},
            },
        )
    rec.status, rec.decided_by, rec.decided_at = outcome, actor.username, now
    session.flush()
    return decision
