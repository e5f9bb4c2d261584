"""The ad-hoc SQL console: one read-only SELECT over the store, outside the web worker's memory.

Only a single ``SELECT`` (or ``WITH … SELECT``) statement is accepted, so nothing can be written,
copied out or attached. The query then runs in a child process (``console_child``) with its own
DuckDB: a small ``memory_limit`` and ``threads``, views over the store's files only, external access
limited to the store's folder and the configuration locked. The child stops reading at the row cap
or the byte cap and says so; the parent kills it if it outlives the time limit. Whatever the query
allocates is freed when the child exits, so one query cannot exhaust the server. Raw SQL cannot be
narrowed to a jurisdiction, so the console is open to city-wide users only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zhili
from zhili.analytics.engine import Engine
from zhili.analytics.policy import can_use_sql_console
from zhili.analytics.store_schema import CASES, EVENTS
from zhili.auth.scope import Actor
from zhili.errors import Forbidden, ValidationFailed
from zhili.settings import Settings

# Time the child may take beyond the query's own limit: its start-up and its answer.
GRACE_SECONDS = 10.0
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float
    row_cap: int
    byte_cap: int
    memory_mb: int
    threads: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            seconds=settings.analytics_query_seconds,
            row_cap=settings.analytics_row_cap,
            byte_cap=settings.analytics_console_bytes,
            memory_mb=settings.analytics_console_memory_mb,
            threads=settings.analytics_console_threads,
        )


def _check(sql: str) -> str:
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ValidationFailed(f"SQL 语法错误：{str(exc).splitlines()[0]}", field="sql") from None
    if len(statements) != 1:
        raise ValidationFailed("一次只能执行一条语句", field="sql")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise ValidationFailed("只允许只读查询（SELECT）", field="sql")
    return sql


def _child_env() -> dict[str, str]:
    """The server's environment, with this very zhili first on the child's path."""
    source = str(Path(zhili.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": source + (os.pathsep + path if path else "")}


def _in_child(request: dict[str, Any], limits: Limits) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, "-m", "zhili.analytics.console_child"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_child_env(),
    )
    try:
        out, _ = child.communicate(json.dumps(request).encode(), timeout=limits.seconds + GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise ValidationFailed(f"查询超过时间限制（{limits.seconds:g} 秒），已终止", field="sql") from None
    finally:
        if child.poll() is None:  # an error while waiting: never leave the child behind
            child.kill()
            child.wait()
    if child.returncode != 0 or not out:
        raise ValidationFailed(
            f"查询进程异常退出（可能超出 {limits.memory_mb} MB 内存上限），已终止", field="sql"
        )
    answer: dict[str, Any] = json.loads(out)
    return answer


def _refusal(answer: dict[str, Any], limits: Limits) -> ValidationFailed:
    kind, detail = answer["kind"], answer["error"]
    if kind == "time":
        return ValidationFailed(f"查询超过时间限制（{limits.seconds:g} 秒），已终止", field="sql")
    if kind == "memory":
        return ValidationFailed(
            f"查询所需内存超过上限（{limits.memory_mb} MB），已终止；请缩小查询范围或减少返回的列",
            field="sql",
        )
    return ValidationFailed(f"查询失败：{detail}", field="sql")


def _notice(cut: str | None, shown: int, limits: Limits) -> str | None:
    if cut == "rows":
        return f"结果超过 {limits.row_cap:,} 行上限，已截断：只返回了前 {shown:,} 行。"
    if cut == "bytes":
        size = f"{limits.byte_cap / MB:g} MB" if limits.byte_cap >= MB else f"{limits.byte_cap:,} 字节"
        return f"结果超过 {size} 上限，已截断：只返回了前 {shown:,} 行。"
    return None


def run(engine: Engine, actor: Actor, sql: str, limits: Limits) -> dict[str, Any]:
    if not can_use_sql_console(actor):
        raise Forbidden("SQL 控制台仅对全市范围的分析用户开放")
    _check(sql)
    store = engine.store
    request = {
        "sql": sql,
        "root": str(store.root),
        "tables": {t: store.glob(t) for t in (CASES, EVENTS) if store.has_data(t)},
        "seconds": limits.seconds,
        "row_cap": limits.row_cap,
        "byte_cap": limits.byte_cap,
        "memory_mb": limits.memory_mb,
        "threads": limits.threads,
    }
    answer = _in_child(request, limits)
    if "error" in answer:
        raise _refusal(answer, limits)
    rows = answer["rows"]
    return {
        "columns": answer["columns"],
        "rows": rows,
        "truncated": answer["cut"] is not None,
        "row_cap": limits.row_cap,
        "byte_cap": limits.byte_cap,
        "notice": _notice(answer["cut"], len(rows), limits),
    }
