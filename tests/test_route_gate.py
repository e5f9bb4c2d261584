"""The route gate never changes which route answers: every route of the app, at a path made from its
own pattern, is matched by the same router with the gate as without it; and a path belongs to few
routers, so a request builds and tries only those."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import _IncludedRouter
from starlette.routing import Match

from zhili import route_gate
from zhili.app import create_app
from zhili.db import Database
from zhili.settings import Settings

PARAM = re.compile(r"\{[^}]+\}")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One app for the module: matching reads no database, so none is migrated."""
    folder = tmp_path_factory.mktemp("gate")
    db = Database(f"sqlite:///{folder / 'gate.sqlite3'}")
    yield create_app(
        Settings(environment="test", data_dir=folder, secret_key="gate-" + "x" * 32), database=db
    )
    db.dispose()


def _scope(path: str, method: str = "GET") -> dict[str, Any]:
    return {
        "type": "http",
        "path": path,
        "root_path": "",
        "method": method,
        "headers": [],
        "query_string": b"",
    }


def _first(entries: list[Any], scope: dict[str, Any], *, gated: bool) -> int | None:
    """The index of the first router that matches ``scope`` fully (else the first partial)."""
    partial = None
    for index, entry in enumerate(entries):
        match, _ = entry.matches(dict(scope)) if gated else _IncludedRouter.matches(entry, dict(scope))
        if match == Match.FULL:
            return index
        if match == Match.PARTIAL and partial is None:
            partial = index
    return partial


def _routers(app: Any) -> list[Any]:
    return [entry for entry in app.router.routes if isinstance(entry, _IncludedRouter)]


def _samples(app: Any) -> list[tuple[str, str]]:
    samples = []
    for entry in _routers(app):
        for context in entry.effective_route_contexts():
            path = PARAM.sub("1", context.path_format or "")
            for method in sorted(context.methods or {"GET"}):
                samples.append((path, method))
    return samples


def test_every_route_is_matched_by_the_same_router_with_the_gate(app: Any) -> None:
    entries = _routers(app)
    samples = _samples(app)
    assert len(samples) > 300
    for path, method in samples:
        scope = _scope(path, method)
        assert _first(entries, scope, gated=True) == _first(entries, scope, gated=False), (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/work",
        "/api/cases/",
        "/api/mediation/disputes/",
        "/static/app.css",
        "/nowhere",
        "/",
        "/api/units/pick",
    ],
)
def test_paths_around_the_routes_match_the_same_way(app: Any, path: str) -> None:
    entries = _routers(app)
    for candidate in (path, path.rstrip("/") or "/", path + "/"):
        assert _first(entries, _scope(candidate), gated=True) == _first(
            entries, _scope(candidate), gated=False
        )


def test_a_path_is_tried_against_few_routers(app: Any) -> None:
    entries = _routers(app)
    assert len(entries) > 30
    assert all(e.matches.__name__ == "gated" for e in entries)  # every router has its gate
    passing = [e for e in entries if e.matches(_scope("/api/mediation/committees"))[0] != Match.NONE]
    assert len(passing) == 1  # 调解's own router alone


def test_literal_start() -> None:
    assert route_gate.literal_start("/api/cases/{code}/events") == "/api/cases/"
    assert route_gate.literal_start("/healthz") == "/healthz"
    assert route_gate.literal_start("/{path:path}") == "/"
