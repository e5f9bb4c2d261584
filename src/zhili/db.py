"""Engine, session factory and the declarative Base shared by every domain.

Services only ``flush()``; the request, CLI command or job that opened the session commits.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

if TYPE_CHECKING:
    from zhili.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every backend (SQLite would otherwise return naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; zhili stores aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


SYNCHRONOUS_MODES = ("FULL", "NORMAL")


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    """``synchronous=FULL`` (the default): every commit is on disk before it is acknowledged, so a
    demand answered 201 survives a power cut. ``NORMAL`` with WAL stays consistent but may lose the
    last commits before a power cut (not a process crash); see README, "SQLite durability"."""
    if synchronous not in SYNCHRONOUS_MODES:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_MODES}")

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module, so that writers can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    return pragmas


WRITE_OPTION = "zhili_write"
SQLITE_BUSY_TIMEOUT_S = 10.0


class _WriterTurn:
    """The process's writers on one SQLite file queue on a lock before ``BEGIN IMMEDIATE``.

    SQLite's own busy handler makes a waiting writer sleep with growing back-off (up to 100 ms a
    try), so under concurrent writes the file lock sits idle between writers. Waiting on a Python
    lock instead hands the turn to the next writer the moment the previous one commits. Writers in
    other processes still meet SQLite's busy handler; a turn not granted within the busy timeout
    falls back to it too, so a thread that already writes can never deadlock itself here.
    """

    HELD = "zhili_writer_turn"

    def __init__(self, timeout: float = SQLITE_BUSY_TIMEOUT_S) -> None:
        self.lock = threading.Lock()
        self.timeout = timeout

    def begin(self, conn: Any) -> None:
        # A writer takes the write lock up front: two read-then-write transactions on SQLite would
        # otherwise fail with "database is locked" instead of waiting for each other.
        if not conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        held = self.lock.acquire(timeout=self.timeout)
        conn.info[self.HELD] = held
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(conn)
            raise

    def end(self, conn: Any, finish: str = "ROLLBACK") -> None:
        """Finish the transaction on the driver connection first, then hand over the turn.

        SQLAlchemy announces a commit or rollback before it reaches the driver; releasing the turn
        then would wake the next writer into SQLite's busy handler. The driver's own commit or
        rollback that follows finds no open transaction and does nothing.
        """
        if not conn.info.pop(self.HELD, False):
            return
        try:
            driver = conn.connection.dbapi_connection
            if driver is not None and driver.in_transaction:
                driver.execute(finish)
        finally:
            self.lock.release()

    def commit(self, conn: Any) -> None:
        self.end(conn, "COMMIT")

    # The pool rolls back (or drops) a connection that was never committed or rolled back.
    def _release_record(self, record: Any) -> None:
        if record.info.pop(self.HELD, False):
            self.lock.release()

    def on_reset(self, _dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        self._release_record(record)

    def on_invalidate(self, _dbapi_connection: Any, record: Any, _exception: Any) -> None:
        self._release_record(record)

    def on_close(self, _dbapi_connection: Any, record: Any) -> None:
        self._release_record(record)


_TURNS: weakref.WeakKeyDictionary[Engine, _WriterTurn] = weakref.WeakKeyDictionary()


def writer_turn(engine: Engine) -> _WriterTurn | None:
    """The writers' queue of a SQLite engine (None on other databases)."""
    return _TURNS.get(engine)


def make_engine(
    url: str,
    *,
    sqlite_synchronous: str = "FULL",
    pool_size: int | None = None,
    max_overflow: int | None = None,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url``. ``pool_size``, ``max_overflow``: PostgreSQL's pool (SQLite's writers take
    turns on one lock instead, and its pool stays SQLAlchemy's own)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        turn = _TURNS[engine] = _WriterTurn()
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        event.listen(engine, "begin", turn.begin)
        event.listen(engine, "commit", turn.commit)
        event.listen(engine, "rollback", turn.end)
        event.listen(engine.pool, "reset", turn.on_reset)
        event.listen(engine.pool, "invalidate", turn.on_invalidate)
        event.listen(engine.pool, "close", turn.on_close)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if pool_size is not None:
        kwargs["pool_size"] = pool_size
    if max_overflow is not None:
        kwargs["max_overflow"] = max_overflow
    return create_engine(url, **kwargs)


AFTER_COMMIT = "zhili_after_commit"
log = logging.getLogger("zhili.db")


def after_commit(session: Session, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the session's transaction commits (never if it rolls back).

    For effects outside the database, such as an SMS, that must not happen for work that is undone.
    """
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        try:
            callback()
        except Exception as exc:  # an external effect failing must not undo the committed work
            log.warning("after-commit callback failed: %s", type(exc).__name__)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, _previous: object) -> None:
    if session.in_transaction():
        return
    session.info.pop(AFTER_COMMIT, None)


class Database:
    """Owns one engine and its session factory."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, sqlite_synchronous=sqlite_synchronous, **engine_kwargs)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self._bound = False

    @classmethod
    def for_settings(cls, settings: Settings) -> Database:
        """The database ``settings`` name, with their durability (SQLite) or pool (PostgreSQL)."""
        return cls(
            settings.resolved_database_url,
            sqlite_synchronous=settings.sqlite_synchronous,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_pool_overflow,
        )

    @classmethod
    def bound_to(cls, connection: Connection) -> Database:
        """A Database whose sessions live inside ``connection``'s transaction (tests roll it back)."""
        database = cls.__new__(cls)
        database.url = connection.engine.url.render_as_string(hide_password=False)
        database.engine = connection.engine
        database.sessionmaker = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        database._bound = True
        return database

    def open_session(self, *, write: bool = False) -> Session:
        session = self.sessionmaker()
        if write and not self._bound:
            # Binds the connection now with the writer flag; on PostgreSQL the flag is inert.
            session.connection(execution_options={WRITE_OPTION: True})
        return session

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self.open_session(write=write)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
