"""/openapi.json describes the answer of every community JSON route, nested fields included."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import house_figures  # noqa: E402


def test_every_community_route_describes_its_answer() -> None:
    _, undescribed = house_figures.routes_without_response_schema()
    assert [op for op in undescribed if " /api/community/" in op] == []
