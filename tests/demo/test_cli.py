"""``zhili demo generate`` from the command line: one output at a time, a progress bar, a sidecar."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from zhili.cli import app
from zhili.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path  # type: ignore[misc]
    get_settings.cache_clear()


def test_generate_to_an_import_file_with_its_bursts(data_dir: Path) -> None:
    out = data_dir / "year.parquet"
    result = CliRunner().invoke(
        app, ["demo", "generate", "--cases", "12000", "--seed", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "已生成 12,000 条" in result.output
    assert pq.read_metadata(out).num_rows == 12_000
    bursts = json.loads(out.with_suffix(".bursts.json").read_text(encoding="utf-8"))
    assert bursts["cases"] == 12_000 and bursts["seed"] == 2


def test_generate_into_the_store_layout(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "generate", "--cases", "15000", "--store"])
    assert result.exit_code == 0, result.output
    store = data_dir / "analytics"
    assert len(list((store / "cases").glob("month=*/part-*.parquet"))) == 12
    assert list((store / "rollup_daily").glob("month=*/part-0.parquet"))
    assert (store / "_bursts.json").exists()


@pytest.mark.parametrize("args", [[], ["--store", "--out", "x.parquet"], ["--cases", "0", "--store"]])
def test_generate_refuses_unclear_options(data_dir: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["demo", "generate", *args])
    assert result.exit_code != 0
    assert not (data_dir / "analytics").exists()
