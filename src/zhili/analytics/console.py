"""The ad-hoc SQL console: one read-only SELECT over the store, with a time limit and a row cap.

Each query gets its own DuckDB connection whose only tables are views over the store's files. After
the views are made, external access is limited to the store's folder and the configuration is
locked, so a query cannot read other files or switch the limits off; only a single ``SELECT`` (or
``WITH … SELECT``) statement is accepted, so nothing can be written, copied out or attached. A query
still running at the time limit is interrupted. Raw SQL cannot be narrowed to a jurisdiction, so the
console is open to city-wide users only.
"""

from __future__ import annotations

import threading
from typing import Any

import duckdb

from zhili.analytics.engine import Engine
from zhili.analytics.policy import can_use_sql_console
from zhili.analytics.store_schema import CASES, EVENTS
from zhili.auth.scope import Actor
from zhili.errors import Forbidden, ValidationFailed


def _connection(engine: Engine) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": 2})
    store = engine.store
    for table in (CASES, EVENTS):
        if store.has_data(table):
            glob = store.glob(table).replace("'", "''")
            con.execute(
                f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "
                "union_by_name = true)"
            )
    root = str(store.root).replace("'", "''")
    con.execute(f"SET allowed_directories = ['{root}']")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _check(sql: str) -> str:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise ValidationFailed(f"SQL 语法错误：{str(exc).splitlines()[0]}", field="sql") from None
    if len(statements) != 1:
        raise ValidationFailed("一次只能执行一条语句", field="sql")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise ValidationFailed("只允许只读查询（SELECT）", field="sql")
    return sql


def run(engine: Engine, actor: Actor, sql: str, seconds: float, row_cap: int) -> dict[str, Any]:
    if not can_use_sql_console(actor):
        raise Forbidden("SQL 控制台仅对全市范围的分析用户开放")
    _check(sql)
    con = _connection(engine)
    timer = threading.Timer(seconds, con.interrupt)
    timer.start()
    try:
        result = con.execute(sql)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchmany(row_cap + 1)
    except duckdb.InterruptException:
        raise ValidationFailed(f"查询超过时间限制（{seconds:g} 秒），已终止", field="sql") from None
    except duckdb.Error as exc:
        raise ValidationFailed(f"查询失败：{str(exc).splitlines()[0]}", field="sql") from None
    finally:
        timer.cancel()
        con.close()
    truncated = len(rows) > row_cap
    return {
        "columns": columns,
        "rows": [[_plain(v) for v in row] for row in rows[:row_cap]],
        "truncated": truncated,
        "row_cap": row_cap,
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)
