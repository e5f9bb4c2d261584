"""jobs: the tables of the job queue (Procrastinate 3.10.0), on PostgreSQL only

The SQL is Procrastinate's own schema for the pinned version, kept beside the migrations
(``migrations/sql/procrastinate-3.10.0.sql``) so that this revision never changes when the library
does. A later upgrade of the library adds a revision with the library's migration files between the
two versions. SQLite runs jobs in-process and has no queue: nothing to do there.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-06 17:30:00
"""

from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0021"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_SQL = Path(__file__).resolve().parents[1] / "sql" / "procrastinate-3.10.0.sql"

TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)
TYPES = ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type", "procrastinate_job_status")


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _on_postgresql():
        return
    # The driver's own execute: the file holds many statements and literal '%' signs.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def downgrade() -> None:
    if not _on_postgresql():
        return
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    # Every function of the library in this schema, whatever its arguments.
    op.execute(
        """
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                     WHERE p.pronamespace = current_schema()::regnamespace
                       AND p.proname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
            END LOOP;
        END $$;
        """
    )
    for name in TYPES:
        op.execute(f"DROP TYPE IF EXISTS {name} CASCADE")
