"""DuckDB over the store: one in-process connection per store, a cursor per query.

The connection exposes the Parquet files as the views ``cases`` and ``events`` (empty tables until the
store has data). Queries run with the machine's threads (``threads`` caps them) and read only the
months a date filter needs, thanks to hive partition pruning.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from zhili.analytics.rollups import ROLLUPS
from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASES, EVENTS, SCHEMAS

_TABLE_NAME = re.compile(r"\b(rollup_\w+|cases|events)\b")


class Engine:
    def __init__(self, store: Store, *, threads: int = 2) -> None:
        self.store = store
        self._base = duckdb.connect(":memory:", config={"threads": threads})
        self._base.execute("SET enable_progress_bar = false")
        self._lock = threading.Lock()
        self._bound: dict[str, bool] = {}

    def _bind(self, sql: str | None = None) -> None:
        """(Re)define each table as a view over its files once they exist, an empty table before: the
        tables ``sql`` names, or all of them. Binding a view reads Parquet footers, so a new connection
        answers its first query sooner when it binds only what that query reads."""
        named = None if sql is None else set(_TABLE_NAME.findall(sql))
        with self._lock:
            for rollup in ROLLUPS:
                if named is not None and rollup.table not in named:
                    continue
                has = self.store.has_data(rollup.table)
                if self._bound.get(rollup.table) == has:
                    continue
                self._base.execute(f"DROP VIEW IF EXISTS {rollup.table}")
                if has:
                    glob = self.store.glob(rollup.table).replace("'", "''")
                    self._base.execute(
                        f"CREATE VIEW {rollup.table} AS SELECT * FROM read_parquet('{glob}', "
                        "hive_partitioning = true)"
                    )
                self._bound[rollup.table] = has
            for table in (CASES, EVENTS):
                if named is not None and table not in named:
                    continue
                has = self.store.has_data(table)
                if self._bound.get(table) == has:
                    continue
                self._base.execute(f"DROP VIEW IF EXISTS {table}")
                self._base.execute(f"DROP TABLE IF EXISTS {table}")
                if has:
                    glob = self.store.glob(table).replace("'", "''")
                    self._base.execute(
                        f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}', "
                        "hive_partitioning = true, union_by_name = true)"
                    )
                else:
                    empty = pa.Table.from_batches([], schema=SCHEMAS[table]).append_column(
                        "month", pa.array([], pa.string())
                    )
                    self._base.register(f"_{table}_empty", empty)
                    self._base.execute(f"CREATE TABLE {table} AS SELECT * FROM _{table}_empty")
                    self._base.unregister(f"_{table}_empty")
                self._bound[table] = has

    def cursor(self, sql: str | None = None) -> duckdb.DuckDBPyConnection:
        """A cursor on which the tables ``sql`` names (without it: every table) are bound."""
        self._bind(sql)
        return self._base.cursor()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.cursor(sql)
        try:
            result = cursor.execute(sql, params or [])
            names = [d[0] for d in result.description or []]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cursor.close()

    def close(self) -> None:
        self._base.close()


_ENGINES: dict[Path, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(root: Path) -> Engine:
    """The process's engine for the store at ``root`` (kept warm between requests)."""
    key = root.resolve()
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = Engine(Store(key))
        return _ENGINES[key]
