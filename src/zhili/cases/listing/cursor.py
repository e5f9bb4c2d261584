"""The opaque cursor of a keyset page: the sort, and the sort value and id of the last row shown.

A cursor is URL-safe base64 of a small JSON array. It carries nothing secret and grants nothing: the
next page is still read through the actor's scope, so a forged cursor can only start a list at
another place. A cursor that does not decode, or belongs to another sort, is a 422 naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_

from zhili.cases.models import Case
from zhili.errors import ValidationFailed
from zhili.kernel import keyset

MAX_CURSOR = keyset.MAX_CURSOR
BAD_CURSOR = "翻页游标无效或已过期，请从第一页重新查询"
# Sorts whose column may be empty (the order then depends on where the database puts NULLs).
NULLABLE = frozenset({"feedback_due"})
TIMES = frozenset({"received_at", "feedback_due", "updated_at"})

Value = keyset.Value


@dataclass(frozen=True)
class Cursor:
    sort: str  # the request's sort, e.g. "-received_at"
    value: Value
    id: int


def encode(cursor: Cursor) -> str:
    return keyset.encode(cursor.sort, cursor.value, cursor.id)


def decode(token: str, sort: str) -> Cursor:
    """The cursor in ``token``, which must have been made for ``sort``; else a 422 naming the field."""
    field = sort.lstrip("-")
    try:
        position = keyset.decode(token, sort, datetime if field in TIMES else str)
    except keyset.BadCursor:
        raise ValidationFailed(BAD_CURSOR, field="cursor") from None
    if position.value is None and field not in NULLABLE:
        raise ValidationFailed(BAD_CURSOR, field="cursor")
    return Cursor(sort, position.value, position.id)


def after(
    column: Any, descending: bool, cursor: Cursor, *, nulls_high: bool, id_column: Any = Case.id
) -> ColumnElement[bool]:
    """Rows that come after the cursor in the order ``column <direction>, id DESC`` (``id_column``:
    where the statement reads the case's id, ``cases.id`` unless it reads an assignment's).

    ``nulls_high``: the database sorts NULL above every value (PostgreSQL), else below (SQLite); the
    condition follows the database's own order, so a keyset page shows what an OFFSET page showed.
    """
    value, last = cursor.value, cursor.id
    if descending and value is not None and cursor.sort.lstrip("-") not in NULLABLE:
        return tuple_(column, id_column) < tuple_(literal(value, column.type), literal(last))  # one range
    nulls_first = descending == nulls_high
    if value is None:
        among_nulls = and_(column.is_(None), id_column < last)
        return or_(among_nulls, column.is_not(None)) if nulls_first else among_nulls
    beyond = column < value if descending else column > value
    following = or_(beyond, and_(column == value, id_column < last))
    if cursor.sort.lstrip("-") in NULLABLE and not nulls_first:
        return or_(following, column.is_(None))
    return following
