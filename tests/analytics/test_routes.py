"""Every JSON route of the 民生诉求数据库 describes its answer in /openapi.json, all the way down, under
names of its own."""

from __future__ import annotations

import sys
from pathlib import Path

from zhili.app import create_app
from zhili.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import house_figures  # noqa: E402


def test_every_analytics_route_has_a_response_schema() -> None:
    _total, bare = house_figures.routes_without_response_schema()
    assert [operation for operation in bare if " /api/analytics/" in operation] == []


def test_analytics_schema_names_collide_with_no_other_domain() -> None:
    """FastAPI spells a name two models share with their module path (zhili__analytics__…__TopicIn)."""
    spec = create_app(Settings(environment="test", secret_key="routes-" + "x" * 32)).openapi()
    assert [name for name in spec["components"]["schemas"] if name.startswith("zhili__analytics__")] == []
