"""The opaque cursor of a keyset page: the sort, and the sort value and id of the last row shown.

A cursor is URL-safe base64 of a small JSON array. It carries nothing secret and grants nothing: the
next page is still read through the actor's scope, so a forged cursor can only start a list at
another place. A cursor that does not decode, or belongs to another sort, is a 422 naming the field.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, tuple_

from zhili.cases.models import Case
from zhili.errors import ValidationFailed
from zhili.kernel.fields import EARLIEST, INT_MAX, LATEST

MAX_CURSOR = 256
BAD_CURSOR = "翻页游标无效或已过期，请从第一页重新查询"
# Sorts whose column may be empty (the order then depends on where the database puts NULLs).
NULLABLE = frozenset({"feedback_due"})
TIMES = frozenset({"received_at", "feedback_due", "updated_at"})

Value = datetime | str | None


@dataclass(frozen=True)
class Cursor:
    sort: str  # the request's sort, e.g. "-received_at"
    value: Value
    id: int


def encode(cursor: Cursor) -> str:
    value = cursor.value.isoformat() if isinstance(cursor.value, datetime) else cursor.value
    raw = json.dumps([cursor.sort, value, cursor.id], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad() -> ValidationFailed:
    return ValidationFailed(BAD_CURSOR, field="cursor")


def _value(field: str, value: Any) -> Value:
    if value is None and field in NULLABLE:
        return None
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        raise _bad()
    if field not in TIMES:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad() from None
    if moment.tzinfo is None or not EARLIEST <= moment <= LATEST:
        raise _bad()
    return moment


def decode(token: str, sort: str) -> Cursor:
    """The cursor in ``token``, which must have been made for ``sort``."""
    if len(token) > MAX_CURSOR:
        raise _bad()
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        parsed = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad() from None
    if not isinstance(parsed, list) or len(parsed) != 3 or parsed[0] != sort:
        raise _bad()
    _, value, case_id = parsed
    if not isinstance(case_id, int) or isinstance(case_id, bool) or not 0 < case_id <= INT_MAX:
        raise _bad()
    return Cursor(sort, _value(sort.lstrip("-"), value), case_id)


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
