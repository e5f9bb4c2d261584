"""Keyset pages of a work list's section (派单台, 承办单位 inbox, 回访): the next page starts after the
last row shown, never after an OFFSET, so page 50 costs what page 1 costs.

A section is a scoped statement (``readable_cases(actor)`` and the section's conditions) in the order
of one column, ascending, ties broken by id. The cursor is URL-safe base64 of ``[section, value, id]``
of the last row shown; it grants nothing (the next page is read through the same scoped statement),
and a cursor that does not decode or belongs to another section is refused as ``BadCursor``. NULLs
sort where the database puts them (first on SQLite, last on PostgreSQL), as the lists did before.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from zhili.cases.listing.cursor import MAX_CURSOR
from zhili.cases.listing.pages import COUNT_CAP
from zhili.cases.models import Case
from zhili.kernel.fields import EARLIEST, INT_MAX, LATEST


class BadCursor(ValueError):
    """The cursor was altered, truncated, or made for another section."""


@dataclass(frozen=True)
class Position:
    value: datetime | None
    id: int


@dataclass(frozen=True)
class SectionPage:
    rows: Sequence[Case]
    total: int  # exact when not capped; else COUNT_CAP
    capped: bool
    next_cursor: str | None


def encode(section: str, value: datetime | None, case_id: int) -> str:
    raw = json.dumps([section, value.isoformat() if value else None, case_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        raise BadCursor
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadCursor from None
    if moment.tzinfo is None or not EARLIEST <= moment <= LATEST:
        raise BadCursor
    return moment


def decode(token: str, section: str) -> Position:
    if len(token) > MAX_CURSOR:
        raise BadCursor
    try:
        parsed = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor from None
    if not isinstance(parsed, list) or len(parsed) != 3 or parsed[0] != section:
        raise BadCursor
    case_id = parsed[2]
    if not isinstance(case_id, int) or isinstance(case_id, bool) or not 0 < case_id <= INT_MAX:
        raise BadCursor
    return Position(_moment(parsed[1]), case_id)


def after(column: Any, position: Position, *, nulls_first: bool) -> ColumnElement[bool]:
    """Rows after ``position`` in the order ``column ASC, id ASC`` (NULLs first or last)."""
    last = position.id
    if position.value is None:
        among_nulls = and_(column.is_(None), Case.id > last)
        return or_(among_nulls, column.is_not(None)) if nulls_first else among_nulls
    following = tuple_(column, Case.id) > tuple_(literal(position.value, column.type), literal(last))
    return following if nulls_first else or_(following, column.is_(None))


def count_capped(session: Session, statement: Select[Any]) -> tuple[int, bool]:
    ids = statement.order_by(None).with_only_columns(Case.id).limit(COUNT_CAP + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(ids)).scalar_one())
    return min(found, COUNT_CAP), found > COUNT_CAP


def section_page(
    session: Session, statement: Select[Any], column: Any, *, section: str, size: int, cursor: str | None
) -> SectionPage:
    """The page of ``statement`` (a scoped ``select(Case)``) after ``cursor``; raises BadCursor."""
    position = decode(cursor, section) if cursor else None
    ordered = statement.order_by(None).order_by(column.asc(), Case.id.asc())
    if position is not None:
        nulls_first = session.get_bind().dialect.name == "sqlite"
        ordered = ordered.where(after(column, position, nulls_first=nulls_first))
    rows = list(session.execute(ordered.limit(size + 1)).scalars().all())
    total, capped = count_capped(session, statement)
    following = None
    if len(rows) > size:
        rows = rows[:size]
        following = encode(section, getattr(rows[-1], column.key), rows[-1].id)
    return SectionPage(rows, total, capped, following)
