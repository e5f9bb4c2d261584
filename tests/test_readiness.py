"""/readyz: ready when the database answers, its migrations are at head and the analytics store is
fresh enough; otherwise 503 with each reason as a code and in Chinese. Other modules add checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from zhili import readiness
from zhili.app import create_app
from zhili.db import Database
from zhili.settings import Settings


def ready(app: FastAPI) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = TestClient(app).get("/readyz")
    return response.status_code, response.json()


def test_a_migrated_database_is_ready(app: FastAPI) -> None:
    status, body = ready(app)
    assert status == 200, body
    assert body["status"] == "ok" and body["reasons"] == [] and body["message"] == "就绪"
    assert set(body["checks"]) >= {"database", "migrations", "analytics_store"}
    assert body["checks"]["migrations"]["facts"]["current"] == body["checks"]["migrations"]["facts"]["head"]
    assert body["checks"]["analytics_store"]["facts"]["age_seconds"] is None


def test_healthz_stays_trivial(app: FastAPI) -> None:
    assert TestClient(app).get("/healthz").json()["status"] == "ok"


def test_an_unmigrated_database_is_not_ready(settings: Settings, tmp_path: Path) -> None:
    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        status, body = ready(create_app(settings, database=empty))
    finally:
        empty.dispose()
    assert status == 503
    assert body["status"] == "unavailable" and body["reasons"] == ["migrations:behind"]
    assert "zhili init" in body["message"] and body["checks"]["migrations"]["facts"]["current"] == []


def test_an_unreachable_database_is_not_ready(settings: Settings) -> None:
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        status, body = ready(create_app(settings, database=gone))
    finally:
        gone.dispose()
    assert status == 503
    assert "database:unreachable" in body["reasons"] and "数据库无法连接" in body["message"]


def test_a_stale_store_fails_only_when_a_limit_is_set(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"ready_max_store_age_minutes": 30})
    status, body = ready(app)
    assert status == 503 and body["reasons"] == ["analytics_store:never_synced"]
    root = settings.resolved_analytics_dir
    root.mkdir(parents=True)
    state = root / "_state.json"
    state.write_text(json.dumps({"synced_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat()}))
    status, body = ready(app)
    assert status == 503 and body["reasons"] == ["analytics_store:stale"] and "未同步" in body["message"]
    assert body["checks"]["analytics_store"]["facts"]["age_seconds"] >= 7200
    state.write_text(json.dumps({"synced_at": datetime.now(UTC).isoformat()}))
    assert ready(app)[0] == 200
    app.state.settings = settings
    state.write_text(json.dumps({"synced_at": (datetime.now(UTC) - timedelta(days=9)).isoformat()}))
    assert ready(app)[0] == 200  # no limit: the age is reported, not judged


@pytest.fixture
def heartbeat() -> Iterator[dict[str, bool]]:
    """A check another module would register (a worker heartbeat), removed afterwards."""
    beating = {"ok": True}

    @readiness.register("example_worker")
    def worker(_app: FastAPI) -> readiness.Check:
        if beating["ok"]:
            return readiness.Check(True, facts={"age_seconds": 3})
        return readiness.Check(False, "no_heartbeat", "后台任务进程无心跳", {"age_seconds": 900})

    yield beating
    readiness.CHECKS.pop("example_worker")


def test_other_modules_add_checks(app: FastAPI, heartbeat: dict[str, bool]) -> None:
    status, body = ready(app)
    assert status == 200 and body["checks"]["example_worker"]["ok"] is True
    heartbeat["ok"] = False
    status, body = ready(app)
    assert (
        status == 503
        and body["reasons"] == ["example_worker:no_heartbeat"]
        and body["message"] == "后台任务进程无心跳"
    )


def test_a_check_that_raises_fails_readiness_not_the_probe(app: FastAPI) -> None:
    @readiness.register("broken")
    def broken(_app: FastAPI) -> readiness.Check:
        raise RuntimeError("boom")

    try:
        status, body = ready(app)
    finally:
        readiness.CHECKS.pop("broken")
    assert status == 503 and body["reasons"] == ["broken:error"] and "RuntimeError" in body["message"]
