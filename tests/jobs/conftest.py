"""The job queue's tests run on PostgreSQL (the queue needs it): one migrated schema per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import PG_SCHEMA, drop_database, seeded_database  # type: ignore[import-not-found]
from zhili.db import Database


@pytest.fixture(scope="module")
def queue_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    schema = f"{PG_SCHEMA}_{name}"
    db = seeded_database("postgresql", tmp_path_factory.mktemp(name), schema)
    yield db
    drop_database(db, "postgresql", schema)
