"""A stand-in for ``cli_support.open_database()`` that runs a command inside the test's transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


class TransactionDatabase:
    """Each unit of work is a savepoint of the test transaction, committed or rolled back like a real
    one, so a command's writes are seen by the test and undone with it."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        savepoint = self._session.begin_nested()
        try:
            yield self._session
            savepoint.commit()
        except BaseException:
            savepoint.rollback()
            raise
