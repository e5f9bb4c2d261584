"""Read a bulk-import file (CSV, XLSX or Parquet) in batches of plain Python columns.

CSV and Parquet are read with pyarrow, XLSX with openpyxl in read-only mode, so memory stays flat
however large the file. Every reader yields ``RawBatch`` objects: one list per known column, and the
row number an operator would look for (CSV/XLSX: the sheet row, the header being row 1; Parquet: the
record number from 1). Error messages never quote file content, which may hold personal data.
"""

from __future__ import annotations

import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from zhili.cases.importer.columns import canonical_header, ignored_headers
from zhili.errors import ValidationFailed

SUPPORTED = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
CSV_BLOCK_BYTES = 8 << 20


@dataclass
class RawBatch:
    rows: list[int]  # the operator-facing row number of each row
    columns: dict[str, list[Any]]  # canonical column → one value per row (str, number, datetime or None)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        return self.columns.get(name) or [None] * len(self.rows)


@dataclass
class ImportFile:
    path: Path
    kind: str
    encoding: str = "utf-8"
    headers: list[str] = field(default_factory=list)
    known: dict[int, str] = field(default_factory=dict)
    total_estimate: int | None = None

    @property
    def ignored(self) -> list[str]:
        return ignored_headers(self.headers, self.known)


def unreadable(path: Path, why: str) -> ValidationFailed:
    return ValidationFailed(f"无法读取文件 {path.name}：{why}", field="file")


def open_import_file(path: Path, encoding: str = "utf-8") -> ImportFile:
    """Check the file exists, has a supported type and a header with every required column."""
    if not path.is_file():
        raise ValidationFailed(f"文件不存在：{path}", field="file")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise ValidationFailed(
            f"不支持的文件类型：{path.suffix or '（无扩展名）'}（支持 .csv、.xlsx、.parquet）", field="file"
        )
    if path.stat().st_size == 0:
        raise ValidationFailed(f"文件为空：{path.name}", field="file")
    source = ImportFile(path, kind, encoding)
    source.headers = _HEADERS[kind](source)
    source.known = canonical_header(source.headers)
    source.total_estimate = _ESTIMATES[kind](source)
    return source


def batches(source: ImportFile, size: int) -> Iterator[RawBatch]:
    yield from _READERS[source.kind](source, size)


# -- CSV ------------------------------------------------------------------------------------------------


def _csv_error(source: ImportFile, exc: Exception) -> ValidationFailed:
    text = str(exc)
    if "columns" in text and "Expected" in text:
        return unreadable(source.path, "某行的列数与表头不一致（检查分隔符和引号）")
    if "UTF8" in text or "UTF-8" in text or isinstance(exc, UnicodeDecodeError):
        return unreadable(source.path, f"文本编码不是 {source.encoding}（可用 --encoding gbk 等指定）")
    return unreadable(source.path, "不是有效的 CSV 文本")


def _csv_headers(source: ImportFile) -> list[str]:
    try:
        reader = pa_csv.open_csv(
            source.path, read_options=pa_csv.ReadOptions(encoding=source.encoding, block_size=1 << 16)
        )
        names = list(reader.schema.names)
        reader.close()
    except (pa.ArrowInvalid, UnicodeDecodeError, LookupError) as exc:
        raise _csv_error(source, exc) from None
    return names


def _csv_estimate(source: ImportFile) -> int:
    lines = 0
    with source.path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def _csv_batches(source: ImportFile, size: int) -> Iterator[RawBatch]:
    read = pa_csv.ReadOptions(encoding=source.encoding, block_size=CSV_BLOCK_BYTES)
    convert = pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in source.headers},
        include_columns=[source.headers[i] for i in source.known],
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    names = {source.headers[i]: name for i, name in source.known.items()}
    next_row = 2
    try:
        reader = pa_csv.open_csv(source.path, read_options=read, convert_options=convert)
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        for record_batch in reader:
            pending.append(record_batch)
            pending_rows += record_batch.num_rows
            while pending_rows >= size:
                table = pa.Table.from_batches(pending)
                yield _from_table(table.slice(0, size), names, next_row)
                next_row += size
                rest = table.slice(size)
                pending, pending_rows = rest.to_batches(), rest.num_rows
        if pending_rows:
            yield _from_table(pa.Table.from_batches(pending), names, next_row)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _csv_error(source, exc) from None


def _from_table(table: pa.Table, names: dict[str, str], first_row: int) -> RawBatch:
    columns = {names[name]: table.column(name).to_pylist() for name in table.column_names}
    return RawBatch(list(range(first_row, first_row + table.num_rows)), columns)


# -- Parquet --------------------------------------------------------------------------------------------


def _parquet_file(source: ImportFile) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError):
        raise unreadable(source.path, "不是有效的 Parquet 文件") from None


def _parquet_headers(source: ImportFile) -> list[str]:
    return list(_parquet_file(source).schema_arrow.names)


def _parquet_estimate(source: ImportFile) -> int:
    return int(_parquet_file(source).metadata.num_rows)


def _parquet_batches(source: ImportFile, size: int) -> Iterator[RawBatch]:
    names = {source.headers[i]: name for i, name in source.known.items()}
    next_row = 1
    try:
        for record_batch in _parquet_file(source).iter_batches(batch_size=size, columns=list(names)):
            table = pa.Table.from_batches([record_batch])
            yield _from_table(table, names, next_row)
            next_row += table.num_rows
    except (pa.ArrowInvalid, OSError):
        raise unreadable(source.path, "Parquet 文件已损坏") from None


# -- XLSX -----------------------------------------------------------------------------------------------


def _workbook_rows(source: ImportFile) -> Generator[tuple[Any, ...], None, None]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise unreadable(source.path, "不是有效的 XLSX 工作簿") from None
    try:
        sheet = workbook.worksheets[0]
        if source.total_estimate is None and sheet.max_row:
            source.total_estimate = max(int(sheet.max_row) - 1, 0)
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


def _xlsx_headers(source: ImportFile) -> list[str]:
    rows = _workbook_rows(source)
    header = next(rows, None)
    rows.close()
    if header is None:
        raise ValidationFailed(f"文件为空：{source.path.name}", field="file")
    return ["" if cell is None else str(cell) for cell in header]


def _xlsx_estimate(source: ImportFile) -> int | None:
    return source.total_estimate  # the sheet's dimension, read with the header


def _xlsx_batches(source: ImportFile, size: int) -> Iterator[RawBatch]:
    positions = list(source.known.items())
    rows = _workbook_rows(source)
    next(rows, None)  # the header
    numbers: list[int] = []
    columns: dict[str, list[Any]] = {name: [] for _, name in positions}
    for number, row in enumerate(rows, start=2):
        if not any(cell is not None and cell != "" for cell in row):
            continue  # Excel keeps formatted but empty rows
        numbers.append(number)
        width = len(row)
        for position, name in positions:
            columns[name].append(row[position] if position < width else None)
        if len(numbers) >= size:
            yield RawBatch(numbers, columns)
            numbers, columns = [], {name: [] for _, name in positions}
    if numbers:
        yield RawBatch(numbers, columns)


_HEADERS = {"csv": _csv_headers, "parquet": _parquet_headers, "xlsx": _xlsx_headers}
_ESTIMATES = {"csv": _csv_estimate, "parquet": _parquet_estimate, "xlsx": _xlsx_estimate}
_READERS = {"csv": _csv_batches, "parquet": _parquet_batches, "xlsx": _xlsx_batches}
