"""Public tracking codes: city prefix + local date + a daily sequence, e.g. BJ20261125000123.

On PostgreSQL the day's counter is moved on in a short transaction of its own, on a small pool kept
for it, so that no intake holds the counter row until its commit: concurrent intakes wait for each
other only for one statement. A code reserved by an intake that then rolls back is skipped, as a
sequence skips it; codes stay unique and increasing. That transaction commits without waiting for
its WAL to reach disk (``synchronous_commit=off``): a case that commits afterwards flushes the WAL up
to its own commit, which includes the counter's, so a durable case never holds a code that a crash
could hand out again.

On SQLite writers take turns anyway, and a second connection could not write while the session's
transaction holds the file, so the counter is moved on in the session's own transaction. So it is
too when the session is bound to a connection rather than to an engine (tests that roll back).
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, event, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from zhili.cases.models import TrackingCounter
from zhili.db import make_engine

SEQUENCE_DIGITS = 6
# The counter's own pool: its statements last well under a millisecond, so a few connections serve
# every intake of a process; more would only wait on the same row. A fixed number, kept open: an
# overflow connection was closed on its return and opened again by the next busy moment (a new
# PostgreSQL backend each time), and a ping before each use cost a round trip as long as the bump.
# Without the ping, a connection that died (the database restarted) fails its statement, and the
# statement is run once more on a new one.
COUNTER_POOL_SIZE = 4


# Built once: every intake bumps the counter.
_BUMP = (
    update(TrackingCounter)
    .where(TrackingCounter.day == bindparam("bump_day"))
    .values(last=TrackingCounter.last + bindparam("bump_count"))
    .returning(TrackingCounter.last)
)
_upsert = pg_insert(TrackingCounter).values(day=bindparam("bump_day"), last=bindparam("bump_count"))
_BUMP_APART = _upsert.on_conflict_do_update(
    index_elements=[TrackingCounter.day], set_={"last": TrackingCounter.last + _upsert.excluded.last}
).returning(TrackingCounter.last)
_ADVANCE_APART = _upsert.on_conflict_do_update(
    index_elements=[TrackingCounter.day],
    set_={"last": func.greatest(TrackingCounter.last, _upsert.excluded.last)},
)

_COUNTER_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_COUNTER_ENGINES_LOCK = threading.Lock()


def counter_engine(engine: Engine) -> Engine:
    """The small autocommit pool that moves counters on for ``engine``'s database (made once)."""
    with _COUNTER_ENGINES_LOCK:
        found = _COUNTER_ENGINES.get(engine)
        if found is None:
            found = _COUNTER_ENGINES[engine] = make_engine(
                engine.url.render_as_string(hide_password=False),
                isolation_level="AUTOCOMMIT",
                pool_size=COUNTER_POOL_SIZE,
                max_overflow=0,
                pool_pre_ping=False,
            )
            event.listen(found, "connect", _asynchronous_commit)
            weakref.finalize(engine, found.dispose)
        return found


def _asynchronous_commit(dbapi_connection: Any, _record: Any) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()


def _apart(session: Session) -> Engine | None:
    """The engine to move the counter on apart from the session's transaction, or None to use it."""
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return counter_engine(bind)
    return None


def _apart_once(engine: Engine, statement: Any, params: dict[str, Any]) -> Any:
    """``statement``'s single value (None when it returns no rows), run on the counter's pool; once
    more on a fresh connection when the one it had was dead (SQLAlchemy then replaces every older
    one). A bump whose answer was lost with its connection may have committed: its codes are skipped,
    never repeated."""
    try:
        return _run_apart(engine, statement, params)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    return _run_apart(engine, statement, params)


def _run_apart(engine: Engine, statement: Any, params: dict[str, Any]) -> Any:
    with engine.connect() as conn:
        result = conn.execute(statement, params)
        return result.scalar() if result.returns_rows else None


def _bump_apart(engine: Engine, day: str, count: int) -> int:
    return int(_apart_once(engine, _BUMP_APART, {"bump_day": day, "bump_count": count}))


def _bump(session: Session, day: str, count: int) -> int | None:
    """Move the day's counter on by ``count`` in one statement (the row stays locked until commit).

    A Core statement on the session's connection: SQLAlchemy's ORM DML path costs more than the update.
    """
    last = session.connection().execute(_BUMP, {"bump_day": day, "bump_count": count}).scalar_one_or_none()
    return None if last is None else int(last)


def _bump_in_session(session: Session, day: str, count: int) -> int:
    last = _bump(session, day, count)
    if last is not None:
        return last
    try:
        with session.begin_nested():  # the day's first code: another intake may be creating it too
            session.execute(insert(TrackingCounter).values(day=day, last=count))
        return count
    except IntegrityError:
        last = _bump(session, day, count)
        if last is None:  # pragma: no cover - the row that made the insert fail is there
            raise
        return last


def next_codes(session: Session, prefix: str, local_day: datetime, count: int = 1) -> list[str]:
    """Reserve ``count`` codes for a day. Concurrent intakes never get the same code."""
    day = local_day.strftime("%Y%m%d")
    engine = _apart(session)
    last = _bump_apart(engine, day, count) if engine is not None else _bump_in_session(session, day, count)
    if last >= 10**SEQUENCE_DIGITS * 10:
        raise OverflowError("tracking-code sequence exhausted for the day")
    width = max(SEQUENCE_DIGITS, len(str(last)))
    return [f"{prefix}{day}{n:0{width}d}" for n in range(last - count + 1, last + 1)]


def advance_past(session: Session, day: str, seq: int) -> None:
    """Move a day's counter past ``seq`` (a code given from elsewhere), never back."""
    engine = _apart(session)
    if engine is not None:
        _apart_once(engine, _ADVANCE_APART, {"bump_day": day, "bump_count": seq})
        return
    counter = session.execute(
        select(TrackingCounter).where(TrackingCounter.day == day).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        session.add(TrackingCounter(day=day, last=seq))
    elif counter.last < seq:
        counter.last = seq
    session.flush()
