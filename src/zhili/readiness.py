"""What ``/readyz`` checks: a small list of named checks that other modules can extend.

Each check takes the app and answers a ``Check``: whether this server may take traffic, a
machine-readable reason and a Chinese one. Built in: the database answers, its migrations are at
head, and the analytics store is fresh enough (``ZHILI_READY_MAX_STORE_AGE_MINUTES``; 0 only reports
its age). A module that runs background work adds its own, for example a worker heartbeat::

    from zhili import readiness

    @readiness.register("worker")
    def worker_heard_from(app: FastAPI) -> readiness.Check:
        ...

A check that raises counts as failed, with the exception's class as its reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text


@dataclass(frozen=True)
class Check:
    ok: bool
    reason: str = "ok"  # machine-readable: ok, unreachable, behind, stale, …
    message: str = "正常"  # the same in Chinese, for the operator
    facts: dict[str, Any] = field(default_factory=dict)


CheckFn = Callable[[FastAPI], Check]
CHECKS: dict[str, CheckFn] = {}


def register(name: str) -> Callable[[CheckFn], CheckFn]:
    def add(check: CheckFn) -> CheckFn:
        CHECKS[name] = check
        return check

    return add


def run_all(app: FastAPI) -> dict[str, Check]:
    results: dict[str, Check] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check(app)
        except Exception as exc:  # a broken check fails readiness; it must not fail the probe
            results[name] = Check(False, "error", f"检查出错：{type(exc).__name__}")
    return results


@register("database")
def database_answers(app: FastAPI) -> Check:
    try:
        with app.state.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return Check(False, "unreachable", "数据库无法连接", {"error": type(exc).__name__})
    return Check(True)


@lru_cache(maxsize=1)
def _shipped_heads() -> frozenset[str]:
    """The migration heads shipped with this code (read once: they change only with the code)."""
    from alembic.script import ScriptDirectory

    from zhili.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


@register("migrations")
def migrations_at_head(app: FastAPI) -> Check:
    from alembic.runtime.migration import MigrationContext

    heads = set(_shipped_heads())
    try:
        with app.state.db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as exc:
        return Check(False, "unreachable", "无法读取数据库版本", {"error": type(exc).__name__})
    facts = {"current": sorted(current), "head": sorted(heads)}
    if current != heads:
        return Check(False, "behind", "数据库结构不是最新版本，请运行 zhili init 升级", facts)
    return Check(True, facts=facts)


def store_age_seconds(app: FastAPI, now: datetime | None = None) -> float | None:
    """Seconds since the analytics store was last synced; None if it never was."""
    root = app.state.settings.resolved_analytics_dir
    state = root / "_state.json"
    if not state.is_file():
        return None
    synced = json.loads(state.read_text(encoding="utf-8")).get("synced_at")
    at = datetime.fromisoformat(synced) if synced else datetime.fromtimestamp(state.stat().st_mtime, UTC)
    return max(0.0, ((now or datetime.now(UTC)) - at).total_seconds())


@register("analytics_store")
def analytics_store_fresh(app: FastAPI) -> Check:
    limit = app.state.settings.ready_max_store_age_minutes * 60
    age = store_age_seconds(app)
    facts = {"age_seconds": None if age is None else round(age), "limit_seconds": limit or None}
    if not limit:
        return Check(True, facts=facts)
    if age is None:
        return Check(False, "never_synced", "民生诉求分析库尚未同步", facts)
    if age > limit:
        return Check(False, "stale", f"民生诉求分析库已 {age / 60:.0f} 分钟未同步", facts)
    return Check(True, facts=facts)
