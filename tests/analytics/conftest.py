"""Fixtures for the analytical store: a store folder per test, and staff clients with their cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhili.analytics.store import Store
from zhili.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        secret_key="test-secret-" + "x" * 32,
        analytics_dir=tmp_path / "store",
        analytics_sync_minutes=0,
    )


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store(settings.resolved_analytics_dir.resolve())
