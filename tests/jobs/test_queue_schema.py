"""Migration 0021 brings the queue's whole schema on PostgreSQL, and its downgrade takes all of it away:
tables, functions and types (tests/test_migrations.py checks the tables on both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from conftest import PG_SCHEMA, backend_url, drop_database  # type: ignore[import-not-found]
from zhili import migrate
from zhili.db import Database

COUNT = text(
    "SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = current_schema()::regnamespace "
    "AND proname LIKE 'procrastinate%'), "
    "(SELECT count(*) FROM pg_type WHERE typnamespace = current_schema()::regnamespace "
    "AND typname LIKE '%procrastinate%'), "
    "(SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%')"
)


@pytest.fixture
def empty_pg(tmp_path: Path) -> Iterator[Database]:
    schema = f"{PG_SCHEMA}_queue_schema"
    db = Database(backend_url("postgresql", tmp_path, schema))
    yield db
    drop_database(db, "postgresql", schema)


def test_the_queue_schema_comes_and_goes_whole(empty_pg: Database) -> None:
    migrate.upgrade(empty_pg.engine)
    with empty_pg.engine.connect() as conn:
        functions, types, tables = conn.execute(COUNT).one()
    assert functions >= 15 and types >= 3 and tables == 4
    before = ScriptDirectory.from_config(migrate.alembic_config()).get_revision("0021").down_revision
    migrate.downgrade(empty_pg.engine, str(before))
    with empty_pg.engine.connect() as conn:
        assert tuple(conn.execute(COUNT).one()) == (0, 0, 0)
