"""DuckDB over the store: one in-process connection per store, a cursor per query.

The connection exposes the Parquet files as the views ``cases`` and ``events`` (empty tables until the
store has data). Queries run with the machine's threads (``threads`` caps them) and read only the
months a date filter needs, thanks to hive partition pruning.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from zhili.analytics.rollups import ROLLUPS
from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASES, EVENTS, SCHEMAS

_TABLE_NAME = re.compile(r"\b(rollup_\w+|cases|events)\b")
# DuckDB tries to import these at every query that has parameters; a module that is not installed is
# searched for on the whole of sys.path each time (0.2–0.7 ms a query, twice).
_OPTIONAL = ("pandas",)


class _Missing(importlib.abc.MetaPathFinder):
    """Answers "not installed" at once for optional modules found missing when zhili started."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def remember_missing(names: tuple[str, ...] = _OPTIONAL) -> None:
    """Put a finder first on ``sys.meta_path`` for the optional modules that are not installed, so
    that importing them fails at once; installed ones, and every other module, are left alone."""
    if any(isinstance(f, _Missing) for f in sys.meta_path):
        return
    missing = frozenset(n for n in names if n not in sys.modules and importlib.util.find_spec(n) is None)
    if missing:
        sys.meta_path.insert(0, _Missing(missing))


remember_missing()


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

    def month_files(self, table: str, month: str) -> str | None:
        """``read_parquet`` of ``table``'s files of one month (with its ``month`` column), or None when
        that month has none. A one-month question read through the table's view made DuckDB list
        and prune every month's folder at each query: for a small rollup, a fifth of the query."""
        files = self.store.files(table, month)
        if not files:
            return None
        listed = ", ".join("'" + str(path).replace("'", "''") + "'" for path in files)
        return f"read_parquet([{listed}], hive_partitioning = true)"

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

    def columns(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """The answer as one NumPy array per column: for long answers read as numbers, without a dict
        per row."""
        cursor = self.cursor(sql)
        try:
            return dict(cursor.execute(sql, params or []).fetchnumpy())
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
