"""The workers' heartbeat, for readiness checks and ``zhili doctor``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from zhili.db import Database
from zhili.kernel.clock import as_aware

HEARTBEATS = "procrastinate_workers"  # the queue's own record of live workers (migration 0021)


def last_heartbeat(db: Database) -> datetime | None:
    """The newest heartbeat of any ``zhili worker`` (aware UTC); None without a worker or a queue.

    On SQLite (or ``ZHILI_JOBS=inline``) jobs run inside ``zhili serve`` and there is no worker to
    ask about: readiness should look at ``settings.jobs`` before requiring one.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": HEARTBEATS}).scalar() is None:
            return None
        newest = connection.execute(text(f"SELECT max(last_heartbeat) FROM {HEARTBEATS}")).scalar()
    return as_aware(newest) if newest is not None else None
