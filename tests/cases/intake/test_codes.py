"""Tracking codes: unique and increasing under concurrent intakes, and on PostgreSQL no intake holds
the day's counter row until its commit (it is moved on in a short transaction of its own)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from zhili.cases.codes import advance_past, counter_engine, next_codes
from zhili.db import Database

DAY = datetime(2026, 3, 9, 10, 30)


def _reserve(db: Database, count: int = 1) -> list[str]:
    with db.session() as session:
        return next_codes(session, "BJ", DAY, count)


def _last(db: Database, day: str = "20260309") -> int | None:
    with db.engine.connect() as conn:
        found = conn.execute(text("SELECT last FROM tracking_counters WHERE day = :d"), {"d": day}).scalar()
        return None if found is None else int(found)


@pytest.fixture
def clean(committed_database: Database) -> Database:
    with committed_database.engine.begin() as conn:
        conn.execute(text("DELETE FROM tracking_counters"))
    return committed_database


def test_concurrent_reservations_get_distinct_consecutive_codes(clean: Database) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        batches = list(pool.map(lambda n: _reserve(clean, n), [1, 3, 1, 2, 1, 5, 1, 2] * 4))
    codes = [c for batch in batches for c in batch]
    assert len(codes) == len(set(codes)) == 64
    assert sorted(codes) == [f"BJ20260309{n:06d}" for n in range(1, 65)]
    for batch in batches:  # a batch is one run of consecutive numbers
        numbers = [int(c[-6:]) for c in batch]
        assert numbers == list(range(numbers[0], numbers[0] + len(batch)))
    assert _last(clean) == 64


def test_an_open_intake_does_not_hold_the_days_counter(clean: Database, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite writers take turns: the counter moves in the intake's own transaction")
    first = clean.open_session(write=True)
    try:
        (held,) = next_codes(first, "BJ", DAY)  # its transaction stays open
        with clean.engine.connect() as probe:
            # Another transaction may lock the row at once: nobody holds it.
            row = probe.execute(
                text("SELECT last FROM tracking_counters WHERE day = '20260309' FOR UPDATE NOWAIT")
            ).scalar_one()
            assert row == 1
            probe.rollback()
        (second,) = _reserve(clean)  # committed while the first is still open
        assert (held, second) == ("BJ20260309000001", "BJ20260309000002")
    finally:
        first.rollback()
        first.close()
    # The rolled-back intake's code is skipped, never handed out again.
    assert _reserve(clean) == ["BJ20260309000003"]


def test_a_rolled_back_reservation_on_sqlite_is_returned(clean: Database, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL moves the counter apart from the intake's transaction")
    session = clean.open_session(write=True)
    try:
        assert next_codes(session, "BJ", DAY) == ["BJ20260309000001"]
    finally:
        session.rollback()
        session.close()
    assert _reserve(clean) == ["BJ20260309000001"]


def test_advance_past_moves_forward_never_back(clean: Database) -> None:
    with clean.session() as session:
        advance_past(session, "20260309", 500)
    assert _reserve(clean) == ["BJ20260309000501"]
    with clean.session() as session:
        advance_past(session, "20260309", 10)
    assert _last(clean) == 501
    assert _reserve(clean, 2) == ["BJ20260309000502", "BJ20260309000503"]


def test_a_session_bound_to_a_connection_moves_the_counter_in_its_transaction(session: Session) -> None:
    """Tests that roll back their transaction leave no counter behind (the fixture's connection)."""
    assert next_codes(session, "BJ", datetime(2031, 1, 2)) == ["BJ20310102000001"]
    assert next_codes(session, "BJ", datetime(2031, 1, 2), 2) == ["BJ20310102000002", "BJ20310102000003"]


def test_codes_keep_coming_after_the_counters_connections_are_cut(clean: Database, backend: str) -> None:
    """The counter's pool keeps its connections without pinging them: when the database ends them (a
    restart, an administrator), the next reservation runs again on a new connection and succeeds."""
    if backend != "postgresql":
        pytest.skip("SQLite: the counter moves in the intake's own transaction")
    counter_engine(clean.engine).dispose()  # earlier tests' connections: the pool starts empty
    assert _reserve(clean) == ["BJ20260309000001"]  # opened the counter's one connection
    with counter_engine(clean.engine).connect() as conn:
        backend_pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    with clean.engine.connect() as admin:
        # Waits (up to 5 s) until that backend has ended.
        ended = admin.execute(text("SELECT pg_terminate_backend(:p, 5000)"), {"p": backend_pid}).scalar_one()
        admin.commit()
    assert ended
    assert _reserve(clean, 2) == ["BJ20260309000002", "BJ20260309000003"]
    with clean.session() as session:
        advance_past(session, "20260309", 10)
    assert _reserve(clean) == ["BJ20260309000011"]
