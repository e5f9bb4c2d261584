"""What ``synchronous=FULL`` costs an intake on SQLite, against ``NORMAL`` (both in WAL mode).

    .venv/bin/python bench/sqlite_durability.py                     # 3 rounds, 200 intakes a mode
    .venv/bin/python bench/sqlite_durability.py --intakes 400 --rounds 5 --threads 4
    .venv/bin/python bench/sqlite_durability.py --dir /srv/zhili-data  # measure on the data disk

With WAL, ``NORMAL`` syncs the log only at checkpoints: a commit is acknowledged once it is in the
operating system's cache, so a power cut (not a crash of zhili or of the process) can lose the last
commits, demands already answered 201. ``FULL`` syncs the log at every commit before acknowledging
it. This measures, on the same machine and disk, in alternating rounds (the machine's other load
drifts; compare within a round):

- **commit floor**: one-row INSERT and COMMIT on a bare ``sqlite3`` connection, ms per commit;
- **intake**: ``POST /api/cases`` through zhili's app (validation, location, encryption, tracking
  code, event, audit, triage), one client and ``--threads`` clients, ms per intake and intakes/s.

It prints the medians and the ratio FULL / NORMAL. The disk is where ``--dir`` is (a temporary folder
by default): measure on the disk that will hold ``ZHILI_DATA_DIR``.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from zhili import migrate
from zhili.app import create_app
from zhili.auth import service as auth_service
from zhili.auth.models import Role
from zhili.bootstrap import seed_reference_data
from zhili.db import SYNCHRONOUS_MODES, Database
from zhili.settings import Settings

BODY: dict[str, Any] = {
    "demand_type": "投诉",
    "urgency": "一般",
    "category": "020201",
    "channel": "电话",
    "description": "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。",
    "citizen": {"name": "张三", "phone": "13812341234"},
    "lat": 39.9966,
    "lng": 116.4706,
    "address": "北京市朝阳区望京街道望京西园三区",
}


def template(folder: Path) -> tuple[Path, str]:
    """A migrated, seeded database with an operator's API key, copied for every measurement."""
    path = folder / "template.sqlite3"
    database = Database(f"sqlite:///{path}")
    migrate.upgrade(database.engine)
    with database.session() as session:
        seed_reference_data(session)
        user, _ = auth_service.create_user(session, username="bench_op", role=Role.operator, unit_code="C11")
        user.must_change_password = False
        _, key = auth_service.issue_api_key(session, user, "bench", "bench")
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path, key


def commit_floor(path: Path, mode: str, commits: int) -> float:
    """ms per one-row INSERT + COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={mode}")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, note TEXT)")
    started = time.perf_counter()
    for i in range(commits):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_floor (note) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed * 1000 / commits


def intakes(path: Path, key: str, mode: str, count: int, threads: int) -> float:
    """Intakes per second through the app, ``threads`` clients at once."""
    settings = Settings(
        environment="test",
        data_dir=path.parent,
        secret_key="bench-durability-" + "x" * 32,
        sqlite_synchronous=mode,
        sweep_interval_minutes=0,
        analytics_sync_minutes=0,
        audit_anchor_minutes=0,
    )
    database = Database(f"sqlite:///{path}", sqlite_synchronous=mode)
    app = create_app(settings, database=database)
    with TestClient(app, headers={"X-API-Key": key}) as client:
        answer = client.post("/api/cases", json={**BODY, "title": "预热"})  # builds the resolver
        assert answer.status_code == 201, answer.text

        def one(i: int) -> None:
            response = client.post("/api/cases", json={**BODY, "title": f"广场舞噪音扰民 {mode} {i}"})
            assert response.status_code == 201, response.text

        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, range(count)))
        elapsed = time.perf_counter() - started
    database.dispose()
    return count / elapsed


def main(argv: list[str] | None = None) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--intakes", type=int, default=200, help="intakes per mode and round")
    parser.add_argument("--commits", type=int, default=1000, help="bare commits per mode and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="clients at once in the concurrent run")
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure (a temp one)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="zhili-durability-", dir=args.dir))
    try:
        source, key = template(folder)
        results: dict[tuple[str, str], list[float]] = {}
        for round_ in range(1, args.rounds + 1):
            for mode in SYNCHRONOUS_MODES[::-1] if round_ % 2 else SYNCHRONOUS_MODES:
                for measure in ("floor", "serial", "concurrent"):
                    path = folder / f"{mode}-{round_}-{measure}.sqlite3"
                    shutil.copy(source, path)
                    if measure == "floor":
                        value = commit_floor(path, mode, args.commits)
                    else:
                        threads = 1 if measure == "serial" else args.threads
                        value = intakes(path, key, mode, args.intakes, threads)
                    results.setdefault((mode, measure), []).append(value)
                    print(f"round {round_} {mode:<6} {measure:<10} {value:8.2f}", flush=True)
        print(f"\nmedians over {args.rounds} rounds (disk of {folder}):")
        rows = (
            ("floor", "commit floor, ms per commit", False),
            ("serial", "intake, 1 client, intakes/s", True),
            ("concurrent", f"intake, {args.threads} clients, intakes/s", True),
        )
        for measure, label, per_second in rows:
            normal = statistics.median(results[("NORMAL", measure)])
            full = statistics.median(results[("FULL", measure)])
            if per_second:
                cost = (1000 / full - 1000 / normal) if full and normal else 0.0
                print(
                    f"  {label:<34} NORMAL {normal:8.1f}  FULL {full:8.1f}  "
                    f"FULL/NORMAL {full / normal:5.2f}  (+{cost:.2f} ms per intake)"
                )
            else:
                ratio = full / normal
                print(f"  {label:<34} NORMAL {normal:8.3f}  FULL {full:8.3f}  FULL/NORMAL {ratio:5.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
