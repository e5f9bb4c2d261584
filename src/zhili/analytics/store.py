"""The analytical store on disk: Parquet files partitioned by month, and the sync high-water mark.

Layout (hive-style, readable as-is by DuckDB, Spark and Trino)::

    <dir>/cases/month=2025-10/part-<token>.parquet
    <dir>/events/month=2025-10/part-<token>.parquet   (events sit in their case's month)
    <dir>/_state.json                                  high-water mark of the last sync
    <dir>/_warnings/<day>-<key>.json                   early warnings kept per day (``warning_cache``)
    <dir>/.lock                                        one writer at a time

Every file is written under a temporary name and renamed into place, so a reader never sees half a
file and a crash leaves either the old or the new file.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from zhili.analytics.store_schema import PARTITION, SCHEMAS
from zhili.errors import Conflict

STATE_FILE = "_state.json"
ROW_GROUP = 256_000


@dataclass(frozen=True)
class Store:
    root: Path

    def table_dir(self, table: str) -> Path:
        return self.root / table

    def month_dir(self, table: str, month: str) -> Path:
        return self.table_dir(table) / f"{PARTITION}={month}"

    def files(self, table: str, month: str | None = None) -> list[Path]:
        base = self.month_dir(table, month) if month else self.table_dir(table)
        pattern = "part-*.parquet" if month else f"{PARTITION}=*/part-*.parquet"
        return sorted(base.glob(pattern)) if base.exists() else []

    def glob(self, table: str) -> str:
        return str(self.table_dir(table) / f"{PARTITION}=*" / "*.parquet")

    def has_data(self, table: str = "cases") -> bool:
        # Asked before every query (which rollups exist): stop at the first file rather than list all.
        base = self.table_dir(table)
        return base.exists() and next(base.glob(f"{PARTITION}=*/part-*.parquet"), None) is not None

    def months(self, table: str = "cases") -> list[str]:
        if not self.table_dir(table).exists():
            return []
        return sorted(
            p.name.split("=", 1)[1] for p in self.table_dir(table).glob(f"{PARTITION}=*") if p.is_dir()
        )

    # -- state -----------------------------------------------------------------------------------------

    def read_state(self) -> dict[str, Any]:
        path = self.root / STATE_FILE
        if not path.exists():
            return {}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def write_state(self, state: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write_bytes(self.root / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=1).encode())

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock; a second writer is refused rather than queued."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Conflict("分析库正在同步，请稍后再试") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- files -----------------------------------------------------------------------------------------

    def new_file(self, table: str, month: str) -> Path:
        folder = self.month_dir(table, month)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"part-{uuid.uuid4().hex[:16]}.parquet"

    def write(self, table: str, month: str, data: pa.Table) -> Path | None:
        if data.num_rows == 0:
            return None
        path = self.new_file(table, month)
        write_atomic(path, data.cast(SCHEMAS[table]))
        return path

    def replace(self, path: Path, data: pa.Table, table: str) -> None:
        """Rewrite one file with ``data`` (or remove it when empty)."""
        if data.num_rows == 0:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, data.cast(SCHEMAS[table]))


def write_atomic(path: Path, data: pa.Table) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    pq.write_table(data, temporary, compression="zstd", row_group_size=ROW_GROUP)
    os.replace(temporary, path)


def _atomic_write_bytes(path: Path, payload: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)
