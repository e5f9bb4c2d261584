"""Migrations upgrade a database that already holds data, and downgrade cleanly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text

from conftest import backend_url, drop_database  # type: ignore[import-not-found]
from zhili import migrate
from zhili.db import Database


@pytest.fixture
def empty_database(backend: str, tmp_path: Path) -> Database:
    schema = f"zhili_migrate_{backend[:2]}_{os.getpid()}"  # one per process: runs side by side
    db = Database(backend_url(backend, tmp_path, schema))
    yield db  # type: ignore[misc]
    drop_database(db, backend, schema)


def test_upgrade_keeps_data_and_downgrade_removes_everything(empty_database: Database) -> None:
    engine = empty_database.engine
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO divisions (code, name, level) VALUES ('11', '北京市', 'city')"))
        conn.execute(
            text(
                "INSERT INTO units (code, name, kind, division_code, active) "
                "VALUES ('C11', '热线中心', 'center', '11', true)"
            )
        )
    migrate.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"cases", "case_events", "categories", "knowledge_entries", "time_limit_policies"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM units WHERE code = 'C11'")).scalar_one() == "热线中心"
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


# The text search's structures that SQLAlchemy cannot describe (migration 0022): SQLite's FTS5 table
# and its shadow tables, and PostgreSQL's GIN index over an expression of a function the migration
# defines (the database prints that expression in its own normalised form, which never matches).
TEXT_SEARCH_OBJECTS = frozenset(
    {"cases_fts", "cases_fts_data", "cases_fts_idx", "cases_fts_docsize", "cases_fts_config"}
    | {"ix_cases_text_bigrams"}
)


def _compared(name: str | None, kind: str, parent: object) -> bool:
    # The job queue's tables (0021, Procrastinate's own SQL) have no SQLAlchemy models either.
    return name not in TEXT_SEARCH_OBJECTS and migrate.include_name(name, kind, parent)


def test_a_database_migrated_to_head_matches_the_models(empty_database: Database) -> None:
    """Alembic's own comparison finds no difference: autogenerate would write an empty migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from zhili.models import metadata

    migrate.upgrade(empty_database.engine)
    with empty_database.engine.connect() as conn:
        options = {"compare_type": True, "include_name": _compared}
        context = MigrationContext.configure(conn, opts=options)
        assert compare_metadata(context, metadata) == []


def test_migrations_never_import_application_code() -> None:
    """An old migration must not change when today's code does: what it needs is frozen inside it."""
    import ast

    versions = Path(migrate.MIGRATIONS_DIR) / "versions"
    offenders = []
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n == "zhili" or n.startswith("zhili.")]
    assert offenders == []


def test_the_list_indexes_carry_the_columns_the_models_name(empty_database: Database) -> None:
    """Alembic's comparison does not look at an index's included columns (PostgreSQL): the migrated
    database carries exactly those the models declare, and a downgrade takes them off again."""
    from zhili.models import metadata

    if empty_database.engine.dialect.name != "postgresql":
        pytest.skip("included columns are PostgreSQL's")
    declared = {
        index.name: list(index.dialect_options["postgresql"]["include"])
        for table in metadata.tables.values()
        for index in table.indexes
        if index.dialect_options["postgresql"]["include"]
    }
    assert {"ix_cases_street_recent", "ix_cases_lead_recent", "ix_cases_recent"} <= set(declared)

    def carried(conn: Connection) -> dict[str, list[str]]:
        rows = conn.execute(
            text(
                "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indexrelid AND a.attnum > i.indnkeyatts "
                "WHERE c.relname = ANY(:names) AND c.relnamespace = to_regnamespace(current_schema()) "
                "ORDER BY c.relname, a.attnum"
            ),
            {"names": list(declared)},
        )
        found: dict[str, list[str]] = {}
        for name, column in rows:
            found.setdefault(name, []).append(column)
        return found

    migrate.upgrade(empty_database.engine)
    with empty_database.engine.connect() as conn:
        assert carried(conn) == declared
    migrate.downgrade(empty_database.engine, "0033")
    with empty_database.engine.connect() as conn:
        assert carried(conn) == {}
