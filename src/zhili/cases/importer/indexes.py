"""Initial-load mode of the bulk import: drop the secondary indexes (and, on PostgreSQL, the foreign
keys) of the tables the import writes, load, then build them again in one pass.

Keeping twenty indexes up to date row by row costs PostgreSQL several times more than the rows
themselves; building an index once from sorted data is far cheaper. This is how ``pg_restore`` loads.
Unique indexes and primary keys stay, because the import looks codes up through them.

Everything happens in the caller's transaction (DDL is transactional on both backends): a failure
rolls the indexes back with the rows. Dropping an index locks the table, so this mode is for the
initial migration, before the system is in service, and the rebuild costs time in proportion to the
whole table, not to the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

TABLES = ("cases", "case_events", "case_assignments")


@dataclass
class DeferredIndexes:
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, definition)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def drop_secondary_indexes(session: Session) -> DeferredIndexes:
    deferred = DeferredIndexes()
    if _is_postgres(session):
        session.execute(text(f"LOCK TABLE {', '.join(TABLES)} IN ACCESS EXCLUSIVE MODE"))
        deferred.indexes = [
            (name, definition)
            for name, definition in session.execute(
                text(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                    "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                    "WHERE t.relname = ANY(:tables) AND NOT i.indisunique AND NOT i.indisprimary "
                    "AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
                ),
                {"tables": list(TABLES)},
            )
        ]
        deferred.foreign_keys = [
            (table, name, definition)
            for table, name, definition in session.execute(
                text(
                    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
                    "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                    "WHERE c.contype = 'f' AND t.relname = ANY(:tables) "
                    "AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
                ),
                {"tables": list(TABLES)},
            )
        ]
        for table, name, _ in deferred.foreign_keys:
            session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    else:
        placeholders = ", ".join(f"'{t}'" for t in TABLES)
        deferred.indexes = [
            (name, sql)
            for name, sql in session.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND tbl_name IN ({placeholders}) AND sql NOT LIKE 'CREATE UNIQUE%'"
                )
            )
        ]
    for name, _ in deferred.indexes:
        session.execute(text(f"DROP INDEX {name}"))
    return deferred


def rebuild_indexes(session: Session, deferred: DeferredIndexes) -> None:
    if _is_postgres(session):
        session.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for _, definition in deferred.indexes:
        session.execute(text(definition))
    for table, name, definition in deferred.foreign_keys:
        # Checked here in one pass over the table instead of once per row.
        session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
