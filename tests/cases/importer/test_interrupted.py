"""Issue 16 item 24: a killed import left no audit entry for its partial run (its audit entry was
written only at the end, and a failure was recorded only by the CLI when it could catch it).

Now a run records ``case.import_started`` (导入开始), committed before its first batch, and
``case.import`` (导入完成) at the end, both with the run's id: a run that dies part-way leaves its
started entry without a finished one, beside the batches it committed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cases.importer.test_import import RECEIVED, write_csv
from zhili.audit import service as audit
from zhili.audit.models import AuditEntry
from zhili.cases.context import CaseContext
from zhili.cases.importer import service as importer
from zhili.cases.models import Case
from zhili.db import Database
from zhili.settings import Settings

ZHILI = [sys.executable, "-m", "zhili.cli"]


def _rows(n: int, prefix: str) -> list[dict[str, Any]]:
    return [{**RECEIVED, "title": f"{prefix}{i}", "description": f"历史诉求第 {i} 条"} for i in range(n)]


def _entries(session: Session, file_name: str) -> list[tuple[str, dict[str, Any]]]:
    query = select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.target_id == file_name)
    rows = session.execute(query.order_by(AuditEntry.seq)).all()
    return [(action, json.loads(detail)) for action, detail in rows]


def test_a_batch_that_fails_leaves_the_started_entry_and_no_finished_one(
    session: Session, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "interrupted.csv", _rows(30, "中断的导入"))
    real_insert = importer.insert_rows
    calls: list[int] = []

    def insert_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the second batch: say, the disk is full
            raise OperationalError("INSERT INTO cases ...", {}, Exception("disk I/O error"))
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(importer, "insert_rows", insert_then_fail)
    with pytest.raises(OperationalError):
        importer.import_cases(
            session,
            CaseContext.for_settings(settings),
            path,
            batch_size=10,
            after_started=lambda run: session.commit(),
            after_batch=lambda result: session.commit(),
        )
    session.rollback()
    [(action, detail)] = _entries(session, path.name)
    assert action == "case.import_started" and detail["stage"] == "导入开始"
    assert detail["file"] == path.name and detail["format"] == "csv" and detail["run"]
    written = session.execute(select(func.count()).select_from(Case).where(Case.title.like("中断的导入%")))
    assert written.scalar_one() == 10  # the first batch stays; a second run resumes from it
    assert audit.verify(session).ok


def test_a_run_finishes_with_the_same_run_id_it_started_with(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "whole.csv", _rows(3, "完整的导入"))
    report = importer.import_cases(session, CaseContext.for_settings(settings), path)
    started, finished = _entries(session, path.name)
    assert started[0] == "case.import_started" and finished[0] == "case.import"
    assert finished[1]["stage"] == "导入完成" and finished[1]["accepted"] == 3
    assert started[1]["run"] == finished[1]["run"] == report.run


def _environment(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "ZHILI_DATA_DIR": str(data_dir), "ZHILI_ENVIRONMENT": "test", "COLUMNS": "200"}
    env.pop("ZHILI_DATABASE_URL", None)
    return env


def test_an_import_killed_mid_way_leaves_its_started_entry(tmp_path: Path) -> None:
    """``kill -9`` of ``zhili cases import`` once its first batch is committed, then the same command
    again: the first run shows as started and never finished, the second as both."""
    env = _environment(tmp_path)
    init = subprocess.run([*ZHILI, "init"], capture_output=True, text=True, env=env, timeout=300)
    assert init.returncode == 0, init.stderr
    total = 8_000  # the kill comes within milliseconds of the first batch of 500
    path = write_csv(tmp_path / "legacy-big.csv", _rows(total, "被中断的历史诉求"))
    db_file = tmp_path / "zhili.sqlite3"

    def cases() -> int:
        with sqlite3.connect(db_file, timeout=30) as conn:
            return int(conn.execute("select count(*) from cases").fetchone()[0])

    command = [*ZHILI, "cases", "import", str(path), "--batch-size", "500"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        while cases() == 0 and process.poll() is None:  # readiness poll: the first batch is in
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    partial = cases()
    assert 0 < partial < total, partial

    database = Database(f"sqlite:///{db_file}")
    try:
        with database.session(write=False) as session:
            entries = _entries(session, path.name)
            assert [action for action, _ in entries] == ["case.import_started"]
            assert audit.verify(session).ok
        again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
        assert again.returncode == 0, again.stdout + again.stderr
        assert cases() == total
        with database.session(write=False) as session:
            entries = _entries(session, path.name)
    finally:
        database.dispose()
    assert [action for action, _ in entries] == ["case.import_started", "case.import_started", "case.import"]
    first_run, second_run = entries[0][1]["run"], entries[1][1]["run"]
    assert first_run != second_run and entries[2][1]["run"] == second_run
    assert entries[2][1]["skipped"] == partial  # the second run resumed after the killed one
