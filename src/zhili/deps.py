"""FastAPI dependencies of the request itself: its settings, its database and its session.

The request owns the transaction: the session commits when the route returns (before the response is
sent) and rolls back on any error. Routes and services only ``flush()``, except the intake routes,
which call ``commit_here`` once the demand is taken (see there). Who is acting, and what they may do,
is decided by ``zhili.auth.deps`` and the domains' ``policy.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from zhili.db import Database
from zhili.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A dependency that only reads the app or the request is ``async def``: FastAPI runs a plain ``def``
# dependency in its thread pool, a hand-off to a worker thread and back for each one and each request
# (the domains' contexts and ``auth.permissions`` do the same). Those that touch the database or a
# file stay plain functions, so that they never block the event loop.


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


READ_ONLY = "zhili_read_only"


async def _read_only(request: Request) -> None:
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


def commit_here(session: Session) -> None:
    """Commit now, in the route's own thread, rather than when the request's session is closed.

    FastAPI closes a sync dependency in a thread of its own once the event loop gets round to it. A
    route holding the audit chain's lock (every audited write takes it, last) would hold it through
    that wait too, and every other writer in the city with it: under 16 concurrent intakes that wait
    was a quarter of the intake's p99 (``bench/README.md``). The intake routes, the busiest writers,
    commit here when the demand and everything taken with it are written; the close then has nothing
    left to commit, and still rolls back if the commit itself fails.
    """
    session.commit()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
