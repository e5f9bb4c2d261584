"""Entry points shared by the API, the CLI and the server task: the store and engine for settings."""

from __future__ import annotations

from zhili.analytics.engine import Engine, engine_for
from zhili.analytics.store import Store
from zhili.settings import Settings


def store_for(settings: Settings) -> Store:
    return Store(settings.resolved_analytics_dir.resolve())


def engine(settings: Settings) -> Engine:
    return engine_for(settings.resolved_analytics_dir)
