"""Keyset pages of a list ordered by one column and then its id: the opaque cursor and the condition
"after the last row shown", so that a deep page is one index range, never an OFFSET.

A cursor is URL-safe base64 of ``[list, value, id]`` for the last row shown. It carries nothing
secret and grants nothing: the next page is read through the same scoped statement, so an altered
cursor can only start the list at another place. A cursor that does not decode, or was made for
another list, raises ``BadCursor``; the page then shows its first page with a message.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_

from zhili.kernel.fields import EARLIEST, INT_MAX, LATEST

MAX_CURSOR = 256
CURSOR_PARTS = 3
BAD_PAGE = "翻页链接无效或已过期，已回到第一页。"

Value = datetime | date | str | None
Kind = type[datetime] | type[date] | type[str] | None


class BadCursor(ValueError):
    """The cursor was altered, truncated, or made for another list."""


@dataclass(frozen=True)
class Position:
    value: Value
    id: int


def encode(name: str, value: Value, row_id: int) -> str:
    raw = json.dumps(
        [name, value.isoformat() if isinstance(value, date) else value, row_id], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _value(value: Any, kind: Kind) -> Value:
    if value is None:
        return None
    if kind is None or not isinstance(value, str) or len(value) > MAX_CURSOR:
        raise BadCursor
    if kind is str:
        return value
    try:
        parsed = datetime.fromisoformat(value) if kind is datetime else date.fromisoformat(value)
    except ValueError:
        raise BadCursor from None
    if kind is datetime and (
        not isinstance(parsed, datetime) or parsed.tzinfo is None or not EARLIEST <= parsed <= LATEST
    ):
        raise BadCursor
    return parsed


def decode(token: str, name: str, kind: Kind) -> Position:
    """The position in ``token``, made for list ``name`` whose sort values are of ``kind`` (None:
    the list is ordered by id alone)."""
    if len(token) > MAX_CURSOR:
        raise BadCursor
    try:
        parsed = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadCursor from None
    if not isinstance(parsed, list) or len(parsed) != CURSOR_PARTS or parsed[0] != name:
        raise BadCursor
    row_id = parsed[2]
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 < row_id <= INT_MAX:
        raise BadCursor
    return Position(_value(parsed[1], kind), row_id)


def after(
    column: Any, id_column: Any, position: Position, *, descending: bool, nulls_first: bool
) -> ColumnElement[bool]:
    """Rows after ``position`` in the order ``column, id`` (both ascending or both descending), where
    the database puts NULLs of ``column`` first or last (``nulls_first``) in that order. A column that
    is never NULL gets the bare row comparison, which an index on (column, id) serves as one range."""
    last = position.id
    if not getattr(column.expression, "nullable", True):
        nulls_first = True  # no NULLs to come after the position
    later_id = id_column < last if descending else id_column > last
    if position.value is None:
        among_nulls = and_(column.is_(None), later_id)
        return or_(among_nulls, column.is_not(None)) if nulls_first else among_nulls
    row = tuple_(column, id_column)
    here = tuple_(literal(position.value, column.type), literal(last))
    following = row < here if descending else row > here
    return following if nulls_first else or_(following, column.is_(None))


def after_id(id_column: Any, position: Position, *, descending: bool) -> ColumnElement[bool]:
    """Rows after ``position`` in a list ordered by id alone."""
    return id_column < position.id if descending else id_column > position.id
