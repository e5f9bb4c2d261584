"""Database side of the bulk import: what already exists, case ids, and the inserts themselves.

SQLite takes SQLAlchemy Core ``insert()`` executemany. PostgreSQL takes ``COPY ... FROM STDIN`` in
CSV form, written by pyarrow (so quoting happens in C++, not per cell in Python) through psycopg's
copy protocol on the session's own connection: the rows join the session's transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import DateTime, String, Table, any_, bindparam, func, insert, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from zhili.cases.importer.rows import IMPORT_ACTOR, Rows
from zhili.cases.models import Case, CaseAssignment, CaseEvent

LOOKUP_CHUNK = 5000
TIMESTAMP = pa.timestamp("us", tz="UTC")


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def highest_case_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Case.id), 0))).scalar_one())


def _matching(session: Session, column: Any, values: list[str]) -> Iterable[Any]:
    """``column IN values`` for a long list: one array parameter on PostgreSQL, chunks on SQLite."""
    if is_postgres(session):
        yield column == any_(bindparam("wanted", values, type_=ARRAY(String)))
        return
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield column.in_(values[start : start + LOOKUP_CHUNK])


def existing_codes(session: Session, codes: list[str]) -> dict[str, tuple[int, str]]:
    """code → (id, created_by) of the cases that already hold one of ``codes``."""
    found: dict[str, tuple[int, str]] = {}
    if not codes:
        return found
    for condition in _matching(session, Case.code, codes):
        rows = session.execute(select(Case.code, Case.id, Case.created_by).where(condition))
        found.update({code: (cid, by) for code, cid, by in rows})
    return found


def existing_keys(session: Session, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    if not keys:
        return found
    for condition in _matching(session, Case.idempotency_key, keys):
        rows = session.execute(
            select(Case.idempotency_key, Case.id).where(condition, Case.created_by == IMPORT_ACTOR)
        )
        found.update({key: cid for key, cid in rows if key})
    return found


def reserve_ids(session: Session, count: int, *, exclusive: bool = False) -> list[int]:
    """Ids for the new cases, known before the insert so that events can point at them.

    ``exclusive``: the import holds the cases table locked, so nobody else draws from the sequence
    and a block can be taken with one ``setval`` instead of ``count`` calls to ``nextval``.
    """
    if count == 0:
        return []
    if is_postgres(session) and exclusive:
        sequence = "pg_get_serial_sequence('cases', 'id')"
        first = int(session.execute(text(f"SELECT nextval({sequence})")).scalar_one())
        session.execute(text(f"SELECT setval({sequence}, :last)"), {"last": first + count - 1})
        return list(range(first, first + count))
    if is_postgres(session):
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, :n)"),
            {"n": count},
        )
        return [int(r[0]) for r in rows]
    # SQLite: the writer holds the database's write lock, and rowids continue from the largest one.
    start = highest_case_id(session) + 1
    return list(range(start, start + count))


def insert_rows(session: Session, rows: Rows) -> None:
    if len(rows) == 0:
        return
    if is_postgres(session):
        _copy(session, Case.__table__, rows.cases)  # type: ignore[arg-type]
        _copy(session, CaseEvent.__table__, rows.events)  # type: ignore[arg-type]
        if rows.assignments["case_id"]:
            _copy(session, CaseAssignment.__table__, rows.assignments)  # type: ignore[arg-type]
        return
    _executemany(session, Case.__table__, rows.cases)  # type: ignore[arg-type]
    _executemany(session, CaseEvent.__table__, rows.events)  # type: ignore[arg-type]
    if rows.assignments["case_id"]:
        _executemany(session, CaseAssignment.__table__, rows.assignments)  # type: ignore[arg-type]


def _executemany(session: Session, table: Table, columns: dict[str, list[Any]]) -> None:
    """Core ``insert()`` compiled once, run as one executemany of plain tuples (SQLite)."""
    statement = insert(table).values({name: bindparam(name) for name in columns})
    compiled = statement.compile(dialect=session.get_bind().dialect)
    order = list(compiled.positiontup or ())
    values = [
        [_sqlite_time(v) for v in columns[name]] if _is_time(table, name) else columns[name] for name in order
    ]
    session.connection().exec_driver_sql(str(compiled), list(zip(*values, strict=True)))


def _sqlite_time(moment: datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DATETIME stores: the UTC wall time with microseconds (the importer
    carries times as naive UTC)."""
    return None if moment is None else moment.isoformat(" ", "microseconds")


def _is_time(table: Table, name: str) -> bool:
    kind = table.c[name].type
    return isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime)


def _arrow_type(table: Table, name: str) -> pa.DataType:
    if _is_time(table, name):
        return TIMESTAMP
    python_type = table.c[name].type.python_type
    if python_type is bool:
        return pa.bool_()
    if python_type is int:
        return pa.int64()
    if python_type is float:
        return pa.float64()
    return pa.string()


def _arrow_array(table: Table, name: str, values: list[Any]) -> pa.Array:
    if _is_time(table, name):
        # Naive UTC in, timestamptz out: arrow reads naive values as UTC.
        return pa.array(values, pa.timestamp("us")).cast(TIMESTAMP)
    return pa.array(values, type=_arrow_type(table, name))


def _copy(session: Session, table: Table, columns: dict[str, list[Any]]) -> None:
    arrays = [_arrow_array(table, name, values) for name, values in columns.items()]
    batch = pa.RecordBatch.from_arrays(arrays, names=list(columns))
    buffer = io.BytesIO()
    pa_csv.write_csv(batch, buffer, pa_csv.WriteOptions(include_header=False))
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        copy.write(buffer.getbuffer())
