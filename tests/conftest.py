"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

Each backend's schema is built once per run with the Alembic migrations and seeded with Beijing's
divisions and units; every test then runs inside a transaction that is rolled back afterwards.
Under CI (``CI=true``) an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session

from zhili import migrate
from zhili.app import create_app
from zhili.auth import passwords
from zhili.bootstrap import seed_reference_data
from zhili.db import Database
from zhili.settings import Settings

PG_ADMIN_URL = os.environ.get("ZHILI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One schema per test process, so that two runs at once (or a run beside a benchmark) never collide.
PG_SCHEMA = f"zhili_test_{os.getpid()}"
IN_CI = os.environ.get("CI", "").lower() == "true"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# argon2's cheapest parameters (argon2-cffi's profile for tests) in the test process: tests create
# and sign in accounts all the time, and the production cost, 64 MiB and 3 passes, took about 0.35 s
# per account here (8 % of a sampled run). Hashes stay argon2id; servers started as subprocesses keep
# the production parameters (and rehash such an account's password at its first sign-in).
passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

BACKENDS = ["sqlite", "postgresql"]
_COMMITTED = itertools.count(1)


def _run_admin(*statements: str) -> None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def backend_url(backend: str, tmp_dir: Path, schema: str = PG_SCHEMA) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / 'zhili-test.sqlite3'}"
    try:
        _run_admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
    except Exception as exc:  # pragma: no cover - depends on the machine
        message = f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {type(exc).__name__}"
        if IN_CI:
            pytest.fail(message + " (CI=true: this is a failure, not a skip)")
        pytest.skip(message)
    return f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"


def seeded_database(backend: str, tmp_dir: Path, schema: str = PG_SCHEMA) -> Database:
    db = Database(backend_url(backend, tmp_dir, schema))
    migrate.upgrade(db.engine)
    with db.session() as session:
        seed_reference_data(session)
    return db


def drop_database(db: Database, backend: str, schema: str = PG_SCHEMA) -> None:
    db.dispose()
    if backend == "postgresql":
        _run_admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated, seeded database for one backend, shared by the whole run. Tests reach it through
    ``connection``/``session``, whose transaction is rolled back: nothing a test does stays."""
    db = seeded_database(backend, tmp_path_factory.mktemp(backend))
    yield db
    drop_database(db, backend)


@pytest.fixture(scope="module")
def committed_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A separate database whose writes really commit (for concurrency and real-server tests).

    One per test module, dropped afterwards, so committed data never leaks into other tests.
    """
    schema = f"{PG_SCHEMA}_c{next(_COMMITTED)}"
    db = seeded_database(backend, tmp_path_factory.mktemp(f"{backend}-committed"), schema)
    yield db
    drop_database(db, backend, schema)


@pytest.fixture
def database_url(database: Database) -> str:
    return database.url


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def db(connection: Connection) -> Database:
    """A Database whose sessions join the test's transaction."""
    return Database.bound_to(connection)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    s = db.open_session()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Lists count exactly: a loaded CI machine must not turn a small fixture's count into an estimate
    # (the budget itself is tested in tests/cases/listing/test_counting.py).
    return Settings(
        environment="test", data_dir=tmp_path, secret_key="test-secret-" + "x" * 32, list_count_budget_ms=0
    )


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, database=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


@pytest.fixture
def shared_data() -> Path:
    """../shared/data; skipped when missing, except under CI where that is an error."""
    if not SHARED_DATA.is_dir():
        if IN_CI:
            pytest.fail(f"{SHARED_DATA} is missing (CI=true)")
        pytest.skip(f"{SHARED_DATA} is missing")
    return SHARED_DATA
