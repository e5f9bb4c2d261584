"""The embedded default stays one command: `zhili serve` on a SQLite file, with no worker and the
default ``ZHILI_JOBS=inline``, runs the registry's deadline sweep in-process and flags an overdue case."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from support.cases import WANGJING, act, intake, staff
from zhili.app import create_app
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.deadlines import start_round
from zhili.cases.models import Case
from zhili.db import Database
from zhili.settings import Settings

SRC = Path(__file__).resolve().parents[2] / "src"
SECRET = "inline-serve-" + "x" * 32
GUARD_S = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_SECRET_KEY": SECRET,
        **extra,
    }
    for name in ("ZHILI_DATABASE_URL", "ZHILI_JOBS"):
        env.pop(name, None)
    return env


def _overdue_case(data_dir: Path) -> str:
    """A case dispatched 30 days ago (the real deadline code recomputes its round), not yet swept."""
    settings = Settings(environment="test", data_dir=data_dir, secret_key=SECRET)
    database = Database(settings.resolved_database_url)
    try:
        s = staff(create_app(settings, database=database))
        code = intake(s.operator)
        act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
        with database.session() as session:
            case = session.execute(select(Case).where(Case.code == code)).scalar_one()
            start = datetime.now(UTC) - timedelta(days=30)
            case.dispatched_at = start
            start_round(session, CaseContext.for_settings(settings), case, start)
    finally:
        database.dispose()
    return code


def _swept(data_dir: Path, code: str) -> tuple[int, int]:
    with sqlite3.connect(data_dir / "zhili.sqlite3") as conn:
        [(case_id, overdue)] = conn.execute(
            "SELECT id, overdue FROM cases WHERE code = ?", (code,)
        ).fetchall()
        opened = conn.execute("SELECT count(*) FROM supervisions WHERE case_id = ?", (case_id,)).fetchone()[0]
    return int(overdue), int(opened)


def test_zhili_serve_on_sqlite_sweeps_in_process(tmp_path: Path) -> None:
    init = subprocess.run(
        [sys.executable, "-m", "zhili.cli", "init"], env=_env(tmp_path), capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    code = _overdue_case(tmp_path)
    assert _swept(tmp_path, code) == (0, 0)
    env = _env(tmp_path, ZHILI_SWEEP_INTERVAL_MINUTES="0.02", ZHILI_ANALYTICS_SYNC_MINUTES="0")
    log = (tmp_path / "serve.log").open("wb")
    port = str(_free_port())
    server = subprocess.Popen(
        [sys.executable, "-m", "zhili.cli", "serve", "--port", port, "--no-access-log"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + GUARD_S
        while _swept(tmp_path, code) != (1, 2):
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert _swept(tmp_path, code) == (1, 2)  # 超期, and 督办 for the 签收 and 反馈 deadlines
