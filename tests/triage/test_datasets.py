"""Reading labelled history files, and refusing bad input with a clear message and no model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from zhili.errors import ValidationFailed
from zhili.triage import model_store
from zhili.triage.datasets import deduplicate, load_labelled
from zhili.triage.text import normalise
from zhili.triage.training import train_from_files

CsvWriter = Callable[..., Path]  # the ``csv_writer`` fixture of tests/triage/conftest.py


def _assert_nothing_written(models_dir: Path) -> None:
    assert model_store.list_versions(models_dir, "category") == []
    assert model_store.active_version(models_dir, "category") is None


def test_files_with_different_text_columns_are_joined(
    csv_writer: CsvWriter, tmp_path: Path, samples: tuple[list[str], list[str]]
) -> None:
    texts, labels = samples
    pairs = [[t, label] for t, label in zip(texts, labels, strict=True)]
    full = csv_writer(
        "full.csv", ["id", "title", "body", "label"], [["1", "公交晚点", "每天都晚点", "交通运输"]]
    )
    titles = csv_writer("titles.csv", ["title", "label"], pairs[:12])
    bodies = csv_writer("bodies.csv", ["body", "label"], pairs[12:], "gb18030")
    empty_row = csv_writer("gaps.csv", ["title", "body", "label"], [["", "", "环境保护"], ["", "正文", ""]])
    data = load_labelled([full, titles, bodies, empty_row], ["title", "body"], "label")
    assert data.texts[0] == "公交晚点 每天都晚点"
    assert data.texts[1:] == [normalise(t) for t in texts]  # full-width punctuation folded
    assert [f.text_columns for f in data.files] == [["title", "body"], ["title"], ["body"], ["title", "body"]]
    assert [f.rows for f in data.files] == [1, 12, 12, 2]
    assert data.skipped_empty == 2
    summary = data.summary()
    assert summary["rows_read"] == 27 and summary["rows_used"] == 25
    assert summary["class_counts"]["交通运输"] == 7


def test_xlsx_and_parquet_are_read(tmp_path: Path, samples: tuple[list[str], list[str]]) -> None:
    texts, labels = samples
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["标题", "类别"])
    for text, label in zip(texts, labels, strict=True):
        sheet.append([text, label])
    book.save(tmp_path / "history.xlsx")
    pq.write_table(pa.table({"body": texts, "type": labels}), tmp_path / "history.parquet")
    from_xlsx = load_labelled([tmp_path / "history.xlsx"], ["标题"], "类别")
    from_parquet = load_labelled([tmp_path / "history.parquet"], ["title", "body"], "type")
    assert from_xlsx.texts == from_parquet.texts == [normalise(t) for t in texts]
    assert from_xlsx.labels == from_parquet.labels == labels


def test_duplicates_after_normalisation_are_kept_once_with_the_majority_label() -> None:
    texts, labels, removed = deduplicate(
        ["小区停水", "小区停水 ", "ＡＢＣ路灯不亮", "abc路灯不亮", "abc路灯不亮"],
        ["水电气热", "城乡建设", "城乡建设", "城市管理", "城市管理"],
    )
    assert texts == ["小区停水", "abc路灯不亮"]
    assert labels == ["水电气热", "城市管理"]  # a tie keeps the first seen
    assert removed == 3


BAD_INPUT = [
    ("missing_label", "缺少标签列“label”"),
    ("no_text_column", "没有任何文本列"),
    ("empty_file", "是空的"),
    ("header_only", "是空的"),
    ("one_class", "只有一个类别"),
    ("all_rows_empty", "文本或标签都为空"),
    ("unsupported", "不支持的文件类型 .txt"),
    ("corrupt_xlsx", "无法读取文件 broken.xlsx"),
    ("corrupt_parquet", "无法读取文件 broken.parquet"),
    ("missing_file", "找不到文件"),
    ("bad_encoding", "既不是 UTF-8 也不是 GB18030"),
]


def _bad_file(case: str, tmp_path: Path, csv_writer: CsvWriter, sample_csv: Path) -> list[Path]:
    if case == "missing_label":
        return [sample_csv, csv_writer("nolabel.csv", ["title", "类别"], [["停水", "水电气热"]])]
    if case == "no_text_column":
        return [csv_writer("notext.csv", ["content", "label"], [["停水", "水电气热"], ["路灯", "城乡建设"]])]
    if case == "empty_file":
        (tmp_path / "empty.csv").write_bytes(b"")
        return [tmp_path / "empty.csv"]
    if case == "header_only":
        return [csv_writer("header.csv", ["title", "body", "label"], [])]
    if case == "one_class":
        return [csv_writer("one.csv", ["title", "label"], [["停水", "水电气热"], ["停电", "水电气热"]])]
    if case == "all_rows_empty":
        return [csv_writer("blank.csv", ["title", "label"], [["", "水电气热"], ["停电", " "]])]
    if case == "unsupported":
        (tmp_path / "history.txt").write_text("title,label\n停水,水电气热\n", encoding="utf-8")
        return [tmp_path / "history.txt"]
    if case == "corrupt_xlsx":
        (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
        return [tmp_path / "broken.xlsx"]
    if case == "corrupt_parquet":
        (tmp_path / "broken.parquet").write_bytes(b"PAR1 truncated")
        return [tmp_path / "broken.parquet"]
    if case == "missing_file":
        return [tmp_path / "nowhere.csv"]
    if case == "bad_encoding":
        (tmp_path / "binary.csv").write_bytes(b"title,label\n\xff\xfe\x00\x81\x30\x81\n")
        return [tmp_path / "binary.csv"]
    raise AssertionError(case)


@pytest.mark.parametrize(("case", "message"), BAD_INPUT, ids=[c for c, _ in BAD_INPUT])
def test_bad_input_is_refused_clearly_and_writes_no_model(
    case: str, message: str, tmp_path: Path, csv_writer: CsvWriter, sample_csv: Path, models_dir: Path
) -> None:
    paths = _bad_file(case, tmp_path, csv_writer, sample_csv)
    with pytest.raises(ValidationFailed, match=message) as caught:
        train_from_files(paths, kind="category", root=models_dir, holdout=0)
    assert caught.value.status == 422
    _assert_nothing_written(models_dir)


def test_no_files_and_no_text_columns_are_refused(sample_csv: Path, models_dir: Path) -> None:
    with pytest.raises(ValidationFailed, match="至少一个训练文件"):
        train_from_files([], kind="category", root=models_dir)
    with pytest.raises(ValidationFailed, match="至少一个文本列"):
        train_from_files([sample_csv], kind="category", root=models_dir, text_columns=[" "])
    with pytest.raises(ValidationFailed, match="未知的模型种类"):
        train_from_files([sample_csv], kind="colour", root=models_dir)
    _assert_nothing_written(models_dir)
