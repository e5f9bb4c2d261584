"""Run Alembic programmatically, so that ``zhili init`` needs no alembic.ini on disk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The job queue's tables (migration 0021) are the library's, not zhili's models: comparisons of the
# models with a migrated database leave them out.
QUEUE_TABLE_PREFIX = "procrastinate_"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: everything but the job queue's tables."""
    return not (type_ == "table" and name is not None and name.startswith(QUEUE_TABLE_PREFIX))


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def head_revisions() -> set[str]:
    """The revisions this code's migrations end at (one, unless a branch is left open)."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this code's migrations (a backup from newer code is not)."""
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revisions(connection: Connection) -> set[str]:
    """The revisions the database stands at (empty for a database never migrated)."""
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())
