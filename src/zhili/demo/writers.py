"""Where ``zhili demo generate`` puts its rows: the store's own Parquet layout, one import-format
Parquet file, or the operational database (through ``zhili cases import``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from zhili.analytics import rollup_build
from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASE_SCHEMA, CASES
from zhili.demo.generator import Chunk, YearGenerator
from zhili.demo.tables import import_table, store_table

Progress = Callable[[int], None]


def write_bursts(gen: YearGenerator, path: Path) -> None:
    bursts = [b.as_dict() for b in gen.bursts]
    payload = {"year": gen.year, "cases": gen.cases, "seed": gen.seed, "bursts": bursts}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _months(chunk: Chunk) -> list[tuple[str, np.ndarray]]:
    months = chunk.day.astype("datetime64[D]").astype("datetime64[M]")
    result = []
    for month in np.unique(months):
        result.append((str(month), np.flatnonzero(months == month)))
    return result


def to_store(gen: YearGenerator, store: Store, progress: Progress) -> int:
    """Write the year into the store's month partitions, replacing any generated files there."""
    writers: dict[str, pq.ParquetWriter] = {}
    total = 0
    with store.writing():
        for month in {f"{d:%Y-%m}" for d in gen.days}:
            for old in store.files(CASES, month):
                old.unlink()
        try:
            for chunk in gen.chunks():
                table = store_table(gen, chunk)
                for month, rows in _months(chunk):
                    if month not in writers:
                        for done in list(writers):
                            writers.pop(done).close()
                        path = store.month_dir(CASES, month) / "part-generated.parquet"
                        path.parent.mkdir(parents=True, exist_ok=True)
                        writers[month] = pq.ParquetWriter(path, CASE_SCHEMA, compression="zstd")
                    writers[month].write_table(table.take(pa.array(rows)), row_group_size=256_000)
                total += len(chunk)
                progress(len(chunk))
        finally:
            for writer in writers.values():
                writer.close()
        rollup_build.rebuild(store, {f"{d:%Y-%m}" for d in gen.days})
        store.write_state({**store.read_state(), "generated": {"year": gen.year, "cases": total}})
    return total


def to_import_file(gen: YearGenerator, path: Path, progress: Progress, *, with_phones: bool = False) -> int:
    writer: pq.ParquetWriter | None = None
    total = 0
    try:
        for chunk in gen.chunks():
            table = import_table(gen, chunk, with_phones=with_phones)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
            total += len(chunk)
            progress(len(chunk))
    finally:
        if writer is not None:
            writer.close()
    return total
