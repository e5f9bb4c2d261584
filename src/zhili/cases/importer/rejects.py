"""The rejects file written next to the input (``FILE.rejects.csv``): one line per problem, with the
row number, the column, the reason and the row's non-personal columns, so an operator can find and
fix the row in the original. Personal data (name, phone, ID number) is never copied into it."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from zhili.cases.importer.check import Refusal
from zhili.cases.importer.columns import COLUMNS, PERSONAL
from zhili.cases.importer.read import RawBatch
from zhili.cases.importer.values import texts

HEADER = ("行号", "列", "原因")


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


class RejectsFile:
    """Opened on the first refusal; a stale file from an earlier run is removed at the start."""

    def __init__(self, source: Path, columns: list[str]) -> None:
        self.path = rejects_path(source)
        self.columns = [c for c in COLUMNS if c in columns and c not in PERSONAL]
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self.path.unlink(missing_ok=True)

    @property
    def written(self) -> bool:
        return self._handle is not None

    def write(self, batch: RawBatch, refusals: list[Refusal]) -> None:
        if not refusals:
            return
        if self._writer is None:
            # utf-8-sig: Excel opens it with the right encoding.
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow([*HEADER, *self.columns])
        index = {row: i for i, row in enumerate(batch.rows)}
        shown = {name: texts(batch.column(name)) for name in self.columns}
        for refusal in refusals:
            i = index[refusal.row]
            cells = [shown[name][i] or "" for name in self.columns]
            self._writer.writerow([refusal.row, refusal.column, refusal.reason, *cells])

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> RejectsFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
