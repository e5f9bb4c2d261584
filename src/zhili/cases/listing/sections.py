"""Keyset pages of a work list's section (派单台, 承办单位 inbox, 回访): the next page starts after the
last row shown, never after an OFFSET, so page 50 costs what page 1 costs.

A section is a scoped statement (``readable_cases(actor)`` and the section's conditions) in the order
of one time column, ascending, ties broken by id; the cursor (``kernel.keyset``) names the section.
NULLs sort where the database puts them (first on SQLite, last on PostgreSQL), as the lists did
before they were paged. The total is exact up to ``COUNT_CAP`` and otherwise reported as "more than".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from zhili.cases.listing.counting import COUNT_CAP, count
from zhili.cases.models import Case
from zhili.kernel.keyset import BadCursor, after, decode, encode

__all__ = ["BadCursor", "SectionPage", "check_cursor", "count_capped", "section_page"]


@dataclass(frozen=True)
class SectionPage:
    rows: Sequence[Case]
    total: int  # exact when not capped; else COUNT_CAP
    capped: bool
    next_cursor: str | None


def check_cursor(token: str, section: str) -> None:
    """Raise BadCursor unless ``token`` is a cursor of ``section``."""
    decode(token, section, datetime)


def count_capped(session: Session, statement: Select[Any]) -> tuple[int, bool]:
    counted = count(
        session, statement.order_by(None).with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery()
    )
    return counted.total, counted.capped


def section_page(
    session: Session, statement: Select[Any], column: Any, *, section: str, size: int, cursor: str | None
) -> SectionPage:
    """The page of ``statement`` (a scoped ``select(Case)``) after ``cursor``; raises BadCursor."""
    position = decode(cursor, section, datetime) if cursor else None
    ordered = statement.order_by(None).order_by(column.asc(), Case.id.asc())
    if position is not None:
        nulls_first = session.get_bind().dialect.name == "sqlite"
        ordered = ordered.where(after(column, Case.id, position, descending=False, nulls_first=nulls_first))
    rows = list(session.execute(ordered.limit(size + 1)).scalars().all())
    if position is None and len(rows) <= size:
        total, capped = len(rows), False  # the whole section is on its first page: no count to run
    else:
        total, capped = count_capped(session, statement)
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = encode(section, getattr(rows[-1], column.key), rows[-1].id)
    return SectionPage(rows, total, capped, following)
