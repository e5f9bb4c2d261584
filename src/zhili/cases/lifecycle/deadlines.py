"""Set a case's deadlines for a new round of handling (dispatch, reopen, forced re-assignment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.taxonomy.models import Category
from zhili.taxonomy.time_limits import CaseTraits, Limits, resolve_limits
from zhili.units.models import Unit


def limits_for(session: Session, case: Case) -> Limits:
    category = session.get(Category, case.category_id) if case.category_id else None
    unit = session.get(Unit, case.lead_unit_id) if case.lead_unit_id else None
    traits = CaseTraits(
        urgency=case.urgency.value,
        demand_type=case.demand_type.value,
        category_code=category.code if category else None,
        unit_kind=unit.kind.value if unit else None,
        complex_case=case.complex_case,
    )
    return resolve_limits(session, traits)


def start_round(session: Session, ctx: CaseContext, case: Case, start: datetime) -> Limits:
    """Deadlines for 签收, contact and 反馈 all count from ``start`` (the dispatch)."""
    limits = limits_for(session, case)
    case.sign_due = limits.due(start, "sign", ctx.tz)
    case.contact_due = limits.due(start, "contact", ctx.tz)
    case.feedback_due = limits.due(start, "feedback", ctx.tz)
    case.warning = False
    case.overdue = False
    return limits


def clear_deadlines(case: Case) -> None:
    case.sign_due = case.contact_due = case.feedback_due = None
    case.warning = case.overdue = False
