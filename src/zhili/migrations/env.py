"""Alembic environment: the URL comes from the caller (``zhili init``) or from Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from zhili.migrate import include_name
from zhili.models import metadata
from zhili.settings import get_settings


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # the job queue's tables are the library's (0021)
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from zhili.db import make_engine

    url = context.config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
