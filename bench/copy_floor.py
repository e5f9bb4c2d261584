"""The database's own floor for a bulk import: PostgreSQL taking the same rows with no Python at all.

After an import, the rows it wrote (cases, their events and assignments) are copied out with
``COPY ... TO STDOUT`` and loaded again with ``COPY ... FROM STDIN`` into empty twins of the three
tables that carry the same indexes. That is the fastest any importer could put those rows into this
PostgreSQL on this machine, so ``importer / floor`` says how much of the time is the importer's own.

The twins carry no foreign keys (``CREATE TABLE ... (LIKE ...)`` does not copy them), so the floor is
if anything a little too fast, never too slow. With ``initial_load`` the twins start with their unique
indexes only and the other indexes are built after the load, as ``zhili cases import --initial-load``
does; the build is part of the floor.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import psycopg

TABLES = ("cases", "case_events", "case_assignments")


@dataclass
class Floor:
    rows: int  # cases
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _indexes(cursor: psycopg.Cursor, schema: str, table: str) -> list[tuple[str, bool]]:
    """(CREATE INDEX statement, is unique) of ``table``'s indexes, primary key included."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid), i.indisunique FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE t.relname = %s AND n.nspname = %s",
        (table, schema),
    )
    return [(definition, unique) for definition, unique in cursor.fetchall()]


def _for_twin(definition: str, schema: str, table: str) -> str:
    """The same index on the twin table, under a name of its own."""
    statement = re.sub(r"^CREATE (UNIQUE )?INDEX (\S+) ON ", r"CREATE \1INDEX \2_floor ON ", definition)
    return statement.replace(f" ON {schema}.{table} ", f" ON {schema}.floor_{table} ", 1)


def measure(url: str, schema: str, *, initial_load: bool) -> Floor:
    """Load the rows now in ``schema``'s case tables into empty twins and time it (then drop them)."""
    dump: dict[str, bytes] = {}
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(f"SET search_path = {schema}")
        for table in TABLES:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                dump[table] = b"".join(bytes(chunk) for chunk in copy)
        cursor.execute("SELECT count(*) FROM cases")
        row = cursor.fetchone()
        rows = int(row[0]) if row else 0
        indexes = {table: _indexes(cursor, schema, table) for table in TABLES}
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
            cursor.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING DEFAULTS)")
        try:
            conn.autocommit = False
            started = time.perf_counter()
            for table in TABLES:  # unique indexes (and, unless initial load, all of them) exist first
                for definition, unique in indexes[table]:
                    if unique or not initial_load:
                        cursor.execute(_for_twin(definition, schema, table))
            for table in TABLES:
                with cursor.copy(f"COPY floor_{table} FROM STDIN") as copy:
                    copy.write(dump[table])
            if initial_load:
                for table in TABLES:
                    for definition, unique in indexes[table]:
                        if not unique:
                            cursor.execute(_for_twin(definition, schema, table))
            conn.commit()
            seconds = time.perf_counter() - started
        finally:
            conn.rollback()
            conn.autocommit = True
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS floor_{table}")
    return Floor(rows, seconds)
