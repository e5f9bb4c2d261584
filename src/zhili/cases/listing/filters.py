"""The filters and sorts of a case list (``GET /api/cases``), as conditions on ``cases``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from zhili.cases.listing.search import matches
from zhili.cases.models import Case
from zhili.cases.states import CaseState

SORTS = {
    "received_at": Case.received_at,
    "feedback_due": Case.feedback_due,
    "updated_at": Case.updated_at,
    "code": Case.code,
}


@dataclass
class CaseFilter:
    state: list[CaseState] | None = None
    demand_type: str | None = None
    urgency: str | None = None
    channel: str | None = None
    category_ids: Sequence[int] | None = None
    division: str | None = None
    lead_unit_id: int | None = None
    overdue: bool | None = None
    warning: bool | None = None
    q: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None

    def dates_only(self) -> bool:
        """Nothing asked of a case but its received date (a unit's assignments keep a copy of it)."""
        return replace(self, received_from=None, received_to=None) == CaseFilter()


def sort_column(sort: str) -> tuple[Any, bool]:
    """The column a sort orders by, and whether it is descending (ties: newest id first)."""
    return SORTS.get(sort.lstrip("-"), Case.received_at), sort.startswith("-")


def filtered(statement: Select[Any], f: CaseFilter, dialect: str, *, text_index: bool = True) -> Select[Any]:
    """``statement`` narrowed by ``f``; ``text_index=False``: find ``q`` without its index (see search)."""
    if f.state:
        statement = statement.where(Case.state.in_(f.state))
    for column, value in (
        (Case.demand_type, f.demand_type),
        (Case.urgency, f.urgency),
        (Case.channel, f.channel),
        (Case.lead_unit_id, f.lead_unit_id),
        (Case.overdue, f.overdue),
        (Case.warning, f.warning),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if f.category_ids is not None:
        statement = statement.where(Case.category_id.in_(f.category_ids))
    if f.division:
        statement = statement.where(Case.division_code.startswith(f.division, autoescape=True))
    if f.q:
        statement = statement.where(matches(f.q, dialect, indexed=text_index))
    if f.received_from:
        statement = statement.where(Case.received_at >= f.received_from)
    if f.received_to:
        statement = statement.where(Case.received_at < f.received_to)
    return statement
