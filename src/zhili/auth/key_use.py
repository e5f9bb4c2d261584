"""When an API key was last used (``last_used_at``), stamped without making a read a write.

A request that authenticates with a key never writes in its own transaction: on SQLite a read
transaction that then writes fails with "database is locked" as soon as another writer has committed
since it began (issue 16 item 12). The stamp is written after the answer has gone out, in its own
short write transaction, retried a few times when the database is busy, and at most once a minute per
key: the key's stored time must be over a minute old, and this process must not have stamped the key
within the minute already. A stamp that still cannot be written is logged and dropped: the next use
after a minute writes it.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import OperationalError
from starlette.requests import Request

from zhili.after_response import after_response
from zhili.auth.models import ApiKey
from zhili.db import Database
from zhili.kernel.clock import utcnow

EVERY = timedelta(minutes=1)
ATTEMPTS = 4
log = logging.getLogger(__name__)

_lock = threading.Lock()
_stamped: dict[tuple[str, int], float] = {}


def _claim(database: Database, key_id: int) -> bool:
    """Whether this process should stamp the key now (not within the last minute)."""
    now, slot = time.monotonic(), (database.url, key_id)
    with _lock:
        if now - _stamped.get(slot, float("-inf")) < EVERY.total_seconds():
            return False
        if len(_stamped) > 50_000:  # bounded: forgetting only means one more stamp
            _stamped.clear()
        _stamped[slot] = now
    return True


def stamp(database: Database, key_id: int, at: datetime) -> bool:
    """Write ``last_used_at`` unless a newer stamp is within the minute; True once written or not due."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with database.session(write=True) as session:
                session.execute(
                    update(ApiKey)
                    .where(
                        ApiKey.id == key_id,
                        or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < at - EVERY),
                    )
                    .values(last_used_at=at)
                )
            return True
        except OperationalError:
            if attempt < ATTEMPTS:
                time.sleep(0.05 * 2**attempt)
    log.warning("api key %s: last_used_at not written (database busy)", key_id)
    return False


def stamp_after_response(request: Request, key_id: int) -> None:
    database: Database = request.app.state.db
    if _claim(database, key_id):
        at = utcnow()
        after_response(request, lambda: stamp(database, key_id, at))
