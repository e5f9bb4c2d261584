"""`zhili triage train --from-db` as a user runs it: a real process on a real (empty) database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zhili import migrate
from zhili.db import Database

TRIAGE = [sys.executable, "-m", "zhili.triage.cli"]


def run(args: list[str], data_dir: Path, database_url: str = "") -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    return subprocess.run(TRIAGE + args, capture_output=True, text=True, env=environ, timeout=300)


def test_train_needs_exactly_one_source(tmp_path: Path) -> None:
    neither = run(["train"], tmp_path)
    assert neither.returncode != 0 and "--from-db" in neither.stderr + neither.stdout
    both = run(["train", "--from-db", "--data", str(tmp_path / "x.csv")], tmp_path)
    assert both.returncode != 0 and "--from-db" in both.stderr + both.stdout
    assert not (tmp_path / "models").exists()


def test_from_db_without_history_says_so_and_writes_no_model(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()
    result = run(["train", "--from-db"], tmp_path, url)
    assert result.returncode != 0
    assert "还没有可用于训练" in result.stderr + result.stdout
    assert not (tmp_path / "models" / "category").exists() or not any(
        (tmp_path / "models" / "category").iterdir()
    )
