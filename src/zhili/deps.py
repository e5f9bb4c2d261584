"""FastAPI dependencies of the request itself: its settings, its database and its session.

The request owns the transaction: the session commits when the route returns (before the response is
sent) and rolls back on any error. Routes and services only ``flush()``. Who is acting, and what they
may do, is decided by ``zhili.auth.deps`` and the domains' ``policy.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from zhili.db import Database
from zhili.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


READ_ONLY = "zhili_read_only"


def _read_only(request: Request) -> None:
    setattr(request.state, READ_ONLY, True)


# A POST that only reads (the SQL console) declares ``dependencies=[ReadOnlyRequest]``: its session
# then opens no write transaction, so on SQLite it never holds the write lock while it works. Route
# dependencies are solved before the parameters', so the mark is set before the session opens.
ReadOnlyRequest = Depends(_read_only)


def _session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.db
    write = request.method not in SAFE_METHODS and not getattr(request.state, READ_ONLY, False)
    session = database.open_session(write=write)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(_session, scope="function")]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
