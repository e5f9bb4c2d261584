"""Labelled history files (CSV / XLSX / Parquet) → texts and labels, with a summary for meta.json.

A file may lack some of the text columns (a titles-only file has no body); the ones it has are
joined. Rows with no text or no label are skipped and counted. Texts that are the same after
normalisation are kept once (the most frequent label wins), so no text can sit on both sides of an
evaluation split.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhili.errors import ValidationFailed
from zhili.triage.text import join_fields, normalise

SUPPORTED = (".csv", ".xlsx", ".parquet")
DEFAULT_SEED = 42  # the fixed seed of evaluation splits and folds
csv.field_size_limit(1 << 24)


@dataclass
class FileSummary:
    path: str
    sha256: str
    rows: int
    used: int
    text_columns: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "rows": self.rows,
            "used": self.used,
            "text_columns": self.text_columns,
        }


@dataclass
class LabelledData:
    texts: list[str]
    labels: list[str]
    files: list[FileSummary] = field(default_factory=list)
    skipped_empty: int = 0
    duplicates_removed: int = 0

    def class_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items(), key=lambda item: (-item[1], item[0])))

    def summary(self) -> dict[str, Any]:
        return {
            "files": [f.as_dict() for f in self.files],
            "rows_read": sum(f.rows for f in self.files),
            "rows_skipped_empty": self.skipped_empty,
            "duplicates_removed": self.duplicates_removed,
            "rows_used": len(self.texts),
            "class_counts": self.class_counts(),
        }


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(f"无法读取文件 {path.name}：既不是 UTF-8 也不是 GB18030 编码。", field="data")


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(_decode(path.read_bytes(), path), newline=""))
    rows = list(reader)
    return [c.strip() for c in (reader.fieldnames or [])], rows


def _read_xlsx(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None:
            return [], []
        columns = ["" if c is None else str(c).strip() for c in header]
        rows = [dict(zip(columns, row, strict=False)) for row in values if any(v is not None for v in row)]
    finally:
        book.close()
    return columns, rows


def _read_parquet(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return list(table.column_names), table.to_pylist()


def read_table(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Column names and rows of one file; Chinese errors for what cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ValidationFailed(
            f"不支持的文件类型 {path.suffix or '（无扩展名）'}：{path.name}；请使用 CSV、XLSX 或 Parquet。",
            field="data",
        )
    if not path.is_file():
        raise ValidationFailed(f"找不到文件：{path}", field="data")
    reader = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}[suffix]
    try:
        return reader(path)
    except ValidationFailed:
        raise
    except Exception as exc:  # a corrupt workbook, a truncated Parquet file, a malformed CSV …
        message = f"无法读取文件 {path.name}：{type(exc).__name__}: {exc}"
        raise ValidationFailed(message, field="data") from exc


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def read_labelled_file(
    path: Path, text_columns: Sequence[str], label_column: str
) -> tuple[list[str], list[str], FileSummary, int]:
    columns, rows = read_table(path)
    if not rows:
        raise ValidationFailed(f"文件 {path.name} 是空的：没有任何数据行。", field="data")
    if label_column not in columns:
        raise ValidationFailed(
            f"文件 {path.name} 缺少标签列“{label_column}”（现有列：{'、'.join(columns)}）。",
            field="label_column",
        )
    present = [c for c in text_columns if c in columns]
    if not present:
        raise ValidationFailed(
            f"文件 {path.name} 没有任何文本列（需要 {'、'.join(text_columns)} 中的至少一列；"
            f"现有列：{'、'.join(columns)}）。",
            field="text_columns",
        )
    texts: list[str] = []
    labels: list[str] = []
    for row in rows:
        text = join_fields(_cell(row.get(c)) for c in present)
        label = _cell(row.get(label_column)).strip()
        if text and label:
            texts.append(text)
            labels.append(label)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    summary = FileSummary(str(path), digest, rows=len(rows), used=len(texts), text_columns=present)
    return texts, labels, summary, len(rows) - len(texts)


def deduplicate(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[str], list[str], int]:
    """Keep each normalised text once, with its most frequent label (first seen on a tie)."""
    seen: dict[str, Counter[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        seen.setdefault(normalise(text), Counter())[label] += 1
    kept = list(seen)
    return kept, [seen[t].most_common(1)[0][0] for t in kept], len(texts) - len(kept)


def load_labelled(
    paths: Sequence[Path], text_columns: Sequence[str] = ("title", "body"), label_column: str = "label"
) -> LabelledData:
    """Read, join, de-duplicate and check the labelled files; raises before anything is trained."""
    if not paths:
        raise ValidationFailed("请用 --data 指定至少一个训练文件。", field="data")
    columns = [c.strip() for c in text_columns if c.strip()]
    if not columns:
        raise ValidationFailed("请用 --text-columns 指定至少一个文本列。", field="text_columns")
    data = LabelledData(texts=[], labels=[])
    for path in paths:
        texts, labels, summary, skipped = read_labelled_file(Path(path), columns, label_column)
        data.texts.extend(texts)
        data.labels.extend(labels)
        data.files.append(summary)
        data.skipped_empty += skipped
    if not data.texts:
        raise ValidationFailed("所有行的文本或标签都为空，没有可用的训练数据。", field="data")
    data.texts, data.labels, data.duplicates_removed = deduplicate(data.texts, data.labels)
    classes = set(data.labels)
    if len(classes) < 2:
        only = next(iter(classes))
        raise ValidationFailed(f"训练数据只有一个类别（“{only}”），至少需要两个类别。", field="label_column")
    return data
