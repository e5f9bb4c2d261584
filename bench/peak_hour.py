"""A Beijing peak hour against 2 app servers and 1 worker on one PostgreSQL, driven by locust.

    .venv/bin/python bench/peak_hour.py                          # 1× Beijing's peak hour, 60 s
    .venv/bin/python bench/peak_hour.py --scale 2 --duration 120
    .venv/bin/python bench/peak_hour.py --demo-cases 100000 --schema zhili_bench_peak_100k

The scenario and its sizing are in bench/peak_hour_locust.py. This script builds (once, then reuses)
a PostgreSQL schema with ``zhili init --demo --demo-cases N``, issues API keys to the demo accounts,
starts 2 ``zhili serve`` and 1 ``zhili worker`` with ``ZHILI_JOBS=queue``, measures the floor
(``/healthz`` as fast as locust drives it over both servers), runs the peak hour headless for
``--duration`` seconds and prints, per request kind, throughput, p50/p95/p99 and errors, the ratios
against the floor, and the errors with the server logs to read. Every process it started is stopped,
also on Ctrl-C or failure. Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

import zhili.auth.service as auth_service
import zhili.knowledge.service as knowledge
from zhili.auth.models import User
from zhili.db import Database
from zhili.knowledge.models import KnowledgeEntry
from zhili.knowledge.schemas import KnowledgeIn

BENCH_DIR = Path(__file__).resolve().parent
SRC_DIR = BENCH_DIR.parent / "src"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "bench-peak-hour-" + "x" * 40
# role in the locustfile → demo account (zhili init --demo)
ACCOUNTS = {
    "operator": "operator",
    "dispatcher": "dispatcher",
    "street": "wangjing",
    "district": "chaoyang",
    "leader": "leader",
}
PEAK_CLASSES = ["Intake", "Dispatcher", "Street", "Visit", "Lists", "Citizen", "Leader", "Health"]


def schema_url(base: str, schema: str) -> str:
    if schema in ("public", "zhili_test") or not schema.isidentifier():
        raise SystemExit(f"refusing to use schema {schema!r}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    engine.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


def base_env(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHILI_")}
    env.update(
        PYTHONPATH=str(SRC_DIR),
        ZHILI_DATABASE_URL=url,
        ZHILI_DATA_DIR=str(data_dir),
        ZHILI_ENVIRONMENT="development",
        ZHILI_SECRET_KEY=SECRET,
        ZHILI_JOBS="queue",
        ZHILI_TRUSTED_PROXIES="127.0.0.1",  # citizens arrive through the city's proxy (X-Forwarded-For)
    )
    return env


def init(env: dict[str, str], demo_cases: int) -> None:
    command = [sys.executable, "-m", "zhili.cli", "init", "--demo", "--demo-cases", str(demo_cases)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"zhili init failed:\n{done.stdout}\n{done.stderr}")
    print(f"zhili init --demo --demo-cases {demo_cases}: {time.perf_counter() - started:.0f} s")


def issue_keys(url: str) -> dict[str, str]:
    """API keys for the demo accounts, and (under ``knowledge``) the 知识库 entry a 直接办结 cites."""
    database = Database(url)
    keys = {}
    try:
        with database.session() as session:
            entry = session.execute(select(KnowledgeEntry).where(KnowledgeEntry.active)).scalars().first()
            if entry is None:
                answer = "供暖期为每年11月15日至次年3月15日，室温不低于18℃；不达标可向供热单位报修。"
                body = KnowledgeIn(
                    question="供暖期从什么时候开始？", answer=answer, source="北京市供热采暖管理办法"
                )
                entry = knowledge.create_entry(session, "bench", body)
            keys["knowledge"] = str(entry.id)
            for role, username in ACCOUNTS.items():
                user = session.execute(select(User).where(User.username == username)).scalar_one()
                _, keys[role] = auth_service.issue_api_key(session, user, "peak-hour bench", actor="bench")
    finally:
        database.dispose()
    return keys


def count(url: str, sql: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = int(conn.execute(text(sql)).scalar_one())
    engine.dispose()
    return found


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "zhili.cli", *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server at {base} exited during start-up")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {base} did not answer /healthz in time")


def warm_up(hosts: list[str], keys: dict[str, str]) -> None:
    """The first intake on each server builds the location resolver: keep that out of the measurement."""
    body = {
        "demand_type": "咨询",
        "channel": "电话",
        "title": "预热",
        "description": "预热请求",
        "lat": 39.9966,
        "lng": 116.4706,
    }
    for host in hosts:
        for path, data in (("/api/cases", body), ("/api/cases", None), ("/api/analytics/volume", None)):
            key = keys["leader" if "analytics" in path else "operator"]
            request = urllib.request.Request(
                host + path,
                data=json.dumps(data).encode() if data else None,
                headers={"Content-Type": "application/json", "X-API-Key": key},
            )
            urllib.request.urlopen(request, timeout=120).close()


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(
    env: dict[str, str], classes: list[str], users: int, seconds: int, prefix: Path, log: Path
) -> None:
    command = [sys.executable, "-m", "locust", "-f", str(BENCH_DIR / "peak_hour_locust.py"), "--headless"]
    command += ["-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix)]
    command += ["--only-summary", "--stop-timeout", "10", *classes]
    with log.open("wb") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)


def scenario_sizing(env: dict[str, str]) -> dict[str, Any]:
    """The locustfile's rates and user count, read in a child: importing locust here would let gevent
    patch this process."""
    code = (
        "import json, peak_hour_locust as s; "
        "print(json.dumps({'intakes_per_s': s.INTAKES_PER_S * s.SCALE, "
        "'users': s.PEAK_USERS, 'targets': s.TARGETS}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BENCH_DIR, capture_output=True, text=True, check=True
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def read_failures(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def print_table(
    rows: list[dict[str, str]], targets: dict[str, float], seconds: int, floor_rps: float, health_p50: float
) -> None:
    columns = ("requests", "target/s", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"\n{'kind':24} " + " ".join(f"{c:>{max(7, len(c))}}" for c in columns) + f" {'errors':>6}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        requests = int(row["Request Count"])
        print(
            f"{name:24} {requests:8d} {targets.get(row['Name'], 0):8.2f} {requests / seconds:7.2f} "
            f"{float(row['50%']):7.0f} {float(row['95%']):7.0f} {float(row['99%']):7.0f} "
            f"{int(row['Failure Count']):6d}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    rps = int(total["Request Count"]) / seconds
    print(f"\nfloor: /healthz as fast as locust drives it over both servers: {floor_rps:.1f} req/s")
    print(f"peak hour / floor (share of the floor's throughput used): {rps / floor_rps:.3f}")
    if health_p50:
        print(f"/healthz p50 under the peak load: {health_p50:.0f} ms (each kind's p50 / this):")
        for row in rows:
            if row["Name"] not in ("Aggregated", "healthz"):
                print(f"  {row['Name']:24} {float(row['50%']) / health_p50:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=PG_DEFAULT)
    parser.add_argument("--schema", default="zhili_bench_peak", help="kept between runs")
    parser.add_argument("--demo-cases", type=int, default=20_000, help="demo cases when the schema is new")
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of Beijing's peak hour")
    parser.add_argument("--duration", type=int, default=60, help="seconds of peak load")
    parser.add_argument("--floor-duration", type=int, default=15, help="seconds of the /healthz floor")
    parser.add_argument("--floor-users", type=int, default=16)
    parser.add_argument("--port", type=int, default=8731, help="the first server's port; the second is +1")
    args = parser.parse_args()
    # Ctrl-C and SIGTERM both unwind to the ``finally`` that stops the servers and the worker (SIGINT is
    # set explicitly: a shell starts background jobs with it ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    url = schema_url(args.database_url, args.schema)
    run_dir = Path(tempfile.mkdtemp(prefix="zhili-peak-"))
    data_dir = Path(tempfile.gettempdir()) / f"zhili-peak-data-{args.schema}"  # reused with the schema
    data_dir.mkdir(exist_ok=True)
    env = base_env(url, data_dir)
    init(env, args.demo_cases)
    keys = issue_keys(url)
    cases_before = count(url, "SELECT count(*) FROM cases")
    print(f"{cases_before:,} cases in schema {args.schema}; logs in {run_dir}")

    processes: list[subprocess.Popen[bytes]] = []
    hosts = [f"http://127.0.0.1:{args.port + i}" for i in range(2)]
    try:
        for i in range(len(hosts)):
            serve = ["serve", "--port", str(args.port + i), "--no-access-log"]
            processes.append(start(serve, env, run_dir / f"server-{i + 1}.log"))
        processes.append(start(["worker", "--concurrency", "2"], env, run_dir / "worker.log"))
        for host, process in zip(hosts, processes, strict=False):
            wait_until_up(host, process)
        warm_up(hosts, keys)
        locust_env = {
            **env,
            "ZHILI_PEAK_HOSTS": ",".join(hosts),
            "ZHILI_PEAK_KEYS": json.dumps(keys),
            "ZHILI_PEAK_SCALE": str(args.scale),
        }
        print(
            f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
        )
        floor = run_dir / "floor"
        run_locust(
            locust_env,
            ["HealthFlood"],
            args.floor_users,
            args.floor_duration,
            floor,
            run_dir / "locust-floor.log",
        )
        floor_rps = float(next(r for r in read_stats(floor) if r["Name"] == "Aggregated")["Requests/s"])

        sizing = scenario_sizing(locust_env)
        print(
            f"peak hour × {args.scale}: {sizing['intakes_per_s']:.2f} intakes/s, "
            f"{sizing['users']} users over {len(hosts)} servers, {args.duration} s"
        )
        peak = run_dir / "peak"
        run_locust(
            locust_env, PEAK_CLASSES, int(sizing["users"]), args.duration, peak, run_dir / "locust-peak.log"
        )
        load = os.getloadavg()
        rows = read_stats(peak)
        health = next((r for r in rows if r["Name"] == "healthz"), None)
        print_table(
            rows, sizing["targets"], args.duration, floor_rps, float(health["50%"]) if health else 0.0
        )
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared)")
        failures = read_failures(peak)
        if failures:
            print("\nerrors:")
            for row in failures:
                print(f"  {row['Occurrences']:>5} × {row['Method']} {row['Name']}: {row['Error'][:300]}")
            print(f"  server logs: {run_dir}/server-*.log, worker: {run_dir}/worker.log")
        added = count(url, "SELECT count(*) FROM cases") - cases_before
        print(f"cases added: {added:,}")
    finally:
        stop(processes)


if __name__ == "__main__":
    main()
