"""TEMPORARY stand-in for the project-wide tests/conftest.py; delete this file once that one provides
``database_url``, ``session`` and ``client`` (it would otherwise shadow them for tests/divisions).

Builds a migrated SQLite database (and PostgreSQL when ZHILI_TEST_POSTGRES_URL is set) seeded with the
shipped Beijing divisions; each test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from zhili import migrate
from zhili.db import Database
from zhili.deps import _session
from zhili.divisions.api import router
from zhili.divisions.service import load_beijing
from zhili.errors import ZhiliError
from zhili.settings import Settings

_URLS = ["sqlite"] + (["postgresql"] if os.environ.get("ZHILI_TEST_POSTGRES_URL") else [])


@pytest.fixture(scope="session", params=_URLS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'divisions.sqlite3'}"
    return os.environ["ZHILI_TEST_POSTGRES_URL"]


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        load_beijing(session)
    yield database
    if not database.is_sqlite:
        migrate.downgrade(database.engine, "base")
    database.dispose()


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    connection = database.engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def client(database: Database, session: Session) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.db = database
    app.state.settings = Settings(environment="test")
    app.include_router(router)

    @app.exception_handler(ZhiliError)
    def _error(_request: Request, error: ZhiliError) -> JSONResponse:
        return JSONResponse({"error": error.to_dict()}, status_code=error.status)

    def _test_session() -> Iterator[Session]:
        yield session

    app.dependency_overrides[_session] = _test_session
    with TestClient(app) as test_client:
        yield test_client
