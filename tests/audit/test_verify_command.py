"""``zhili audit verify`` and ``zhili audit checkpoint`` as an administrator runs them, against the two
attacks of issue 16 item 21 on a real database file: an insider without the key who edits entry 100
and recomputes every following hash, and one with the key who rewrites history before a checkpoint."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner

from zhili.audit import service
from zhili.audit.chain import LEGACY, _chain_key, canonical
from zhili.cli import app as zhili_app
from zhili.db import Database
from zhili.kernel.crypto import new_data_key
from zhili.settings import get_settings

AUDIT_KEY = new_data_key()


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], data_dir: Path) -> Outcome:
    """The command in this process (the CLI's own start-up would dominate the test's time)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "ZHILI_DATA_DIR": str(data_dir),
            "ZHILI_ENVIRONMENT": "test",
            "COLUMNS": "200",
        }.items():
            patch.setenv(name, value)
        patch.setenv("ZHILI_AUDIT_KEY", AUDIT_KEY)
        patch.delenv("ZHILI_DATABASE_URL", raising=False)
        patch.delenv("ZHILI_AUDIT_ANCHOR_FILE", raising=False)
        patch.chdir(data_dir)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(zhili_app, args)
        finally:
            get_settings.cache_clear()
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An initialised data directory whose chain holds well over 100 entries."""
    data_dir = tmp_path_factory.mktemp("audit-cli")
    init = run(["init"], data_dir)
    assert init.returncode == 0, init.stderr + init.stdout
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHILI_AUDIT_KEY", AUDIT_KEY)
        get_settings.cache_clear()
        database = Database(f"sqlite:///{data_dir / 'zhili.sqlite3'}")
        try:
            with database.session() as session:
                for i in range(150):
                    service.record(session, actor="clerk", action="test.write", target_id=i, detail={"i": i})
        finally:
            database.dispose()
            get_settings.cache_clear()
    yield data_dir


@pytest.fixture
def data_dir(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(pristine, copy)
    return copy


def rewrite_from(
    db_file: Path, seq: int, hasher: Callable[[Any], str], head_mac: Callable[[int, str], str] | None = None
) -> None:
    """Edit entry ``seq`` and recompute its hash and every later one, then move the head."""
    with sqlite3.connect(db_file) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("select * from audit_entries where seq >= ? order by seq", (seq,)).fetchall()
        prev = None
        for raw in rows:
            row = SimpleNamespace(**dict(raw))
            row.at = _parse(row.at)
            if prev is not None:
                row.prev_hash = prev
            if row.seq == seq:
                row.detail = '{"i": "forged"}'
            row.hash = hasher(row)
            conn.execute(
                "update audit_entries set detail=?, prev_hash=?, hash=? where seq=?",
                (row.detail, row.prev_hash, row.hash, row.seq),
            )
            prev = row.hash
        mac = head_mac(rows[-1]["seq"], str(prev)) if head_mac else "0" * 64
        conn.execute("update audit_head set seq=?, hash=?, mac=?", (rows[-1]["seq"], prev, mac))


def _parse(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def plain_sha256(row: Any) -> str:
    return hashlib.sha256(canonical(row, keyed=row.scheme != LEGACY)).hexdigest()


def test_verify_passes_then_checkpoint_prints_a_line_it_also_appends(data_dir: Path) -> None:
    ok = run(["audit", "verify"], data_dir)
    assert ok.returncode == 0, ok.stderr
    assert "审计日志完整" in ok.stdout and "未核对任何锚点" in ok.stdout
    checkpoint = run(["audit", "checkpoint"], data_dir)
    assert checkpoint.returncode == 0, checkpoint.stderr
    line = checkpoint.stdout.strip()
    assert line.startswith("{") and '"mac"' in line
    assert (data_dir / "audit-anchors.jsonl").read_text().strip() == line
    anchored = run(["audit", "verify"], data_dir)
    assert anchored.returncode == 0 and "核对锚点 1 个" in anchored.stdout


def test_editing_entry_100_and_recomputing_every_hash_without_the_key_fails(data_dir: Path) -> None:
    rewrite_from(data_dir / "zhili.sqlite3", 100, plain_sha256)
    broken = run(["audit", "verify"], data_dir)
    assert broken.returncode == 1
    assert "#100" in broken.stderr and "篡改" in broken.stderr


def test_with_the_key_rewriting_history_before_a_checkpoint_fails(data_dir: Path) -> None:
    line = run(["audit", "checkpoint"], data_dir).stdout.strip()
    key = _chain_key(AUDIT_KEY, "")
    rewrite_from(data_dir / "zhili.sqlite3", 100, key.entry_hash, key.head_mac)
    broken = run(["audit", "verify"], data_dir)
    assert broken.returncode == 1, broken.stdout
    assert "锚点文件第 1 行" in broken.stderr and "改写" in broken.stderr
    # the checkpoint kept elsewhere catches it even when the anchor file is gone too
    (data_dir / "audit-anchors.jsonl").unlink()
    assert run(["audit", "verify"], data_dir).returncode == 0  # the key alone rewrites undetected
    kept_elsewhere = run(["audit", "verify", "--checkpoint", line], data_dir)
    assert kept_elsewhere.returncode == 1 and "检查点 1" in kept_elsewhere.stderr


def test_an_edited_anchor_file_fails(data_dir: Path) -> None:
    run(["audit", "checkpoint"], data_dir)
    path = data_dir / "audit-anchors.jsonl"
    path.write_text(path.read_text().replace('"seq":', '"seq":1'))
    broken = run(["audit", "verify"], data_dir)
    assert broken.returncode == 1 and "签名不符" in broken.stderr
