"""Every JSON route of the grid describes its answer in /openapi.json, all the way down."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import house_figures  # noqa: E402


def test_every_grid_route_has_a_response_schema() -> None:
    _total, bare = house_figures.routes_without_response_schema()
    assert [operation for operation in bare if " /api/grid/" in operation] == []
