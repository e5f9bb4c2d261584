"""Intake benchmark: the real server, one load tool, ``GET /healthz`` and ``POST /api/cases`` in one run.

It also drives ``POST /bench/floor`` in the same run (see ``bench/intake_floor.py``): the same app,
middleware, API key and body schema, storing one row and nothing else. ``floor / health`` is the best
ratio any intake on this stack could reach on this machine.

    .venv/bin/python bench/intake.py                      # SQLite in a temp dir, 10 s per endpoint
    .venv/bin/python bench/intake.py --duration 20 --connections 16 --workers 2
    .venv/bin/python bench/intake.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/intake.py --same-place          # every intake a duplicate candidate
    .venv/bin/python bench/intake.py --database-url ... --jobs queue   # triage in a `zhili worker`

SPEC target: intake (validate, resolve the location, persist, audit) sustains at least half of what the
same server answers for a bare health check: ``intake / health >= 0.5``.

It initialises a fresh database (``zhili init``; PostgreSQL: its own schema ``zhili_bench_intake``,
created and dropped here), creates an operator with an API key (API-key requests skip CSRF), starts
``zhili serve`` as a subprocess, warms both endpoints up, then drives each for ``--duration`` seconds
with the same tool and the same number of connections. The tool is ``wrk`` when installed (the POST
body comes from a Lua script: a new title per request, a location so resolution runs, optionally an
Idempotency-Key), otherwise a Python asyncio generator over raw keep-alive sockets (install wrk with
``apt-get install -y wrk`` for numbers that depend less on the client).

An intake's triage runs after its answer. Its CPU is counted where it runs, until no intake waits for
triage: in the server (``--jobs inline``, the default), or with ``--jobs queue`` (PostgreSQL) in one
``zhili worker`` started beside the server, whose CPU is printed apart and added for the total.

On a 2-core machine the load tool, the server and (for PostgreSQL) the database share the cores, so
the absolute numbers are low; the ratio is what the target is about.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

import zhili.auth.service as auth_service
from load_python import Result, run_python, tagged
from zhili.auth.models import Role
from zhili.cases.models import Case
from zhili.db import Database
from zhili.jobs.health import last_heartbeat
from zhili.triage.models import TriagePending

BENCH_DIR = Path(__file__).resolve().parent
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "bench-intake-" + "x" * 40
BODY = {
    "demand_type": "投诉",
    "urgency": "一般",
    "category": "020201",
    "channel": "电话",
    "title": "小区楼下广场舞噪音扰民",
    "description": "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。",
    "citizen": {"name": "张三", "phone": "13812341234"},
    "lat": 39.9966,
    "lng": 116.4706,
    "address": "北京市朝阳区望京街道望京西园三区",
}

# Demands for the varied mix (the default): each request takes the next text and a random point in the
# urban districts, so, as at a real hotline, few requests are duplicate candidates of one another.
# ``--same-place`` sends BODY every time instead: every intake is then a duplicate candidate of all
# earlier ones, the worst case for the duplicate check.
TEXTS = [
    (
        "小区楼下广场舞噪音扰民",
        "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。",
        "020201",
    ),
    ("路灯不亮", "小区门口路段的路灯已经坏了一周，晚上出行很不安全，请尽快维修。", None),
    ("共享单车乱停放", "地铁站出口共享单车堆放占用盲道和人行道，行人无法通行。", None),
    ("餐馆油烟扰民", "楼下新开的餐馆油烟直排，家里窗户都不能开，请环保部门检查。", None),
    ("暖气不热", "进入供暖季以来家中暖气温度一直很低，室温不到十六度，联系物业没有解决。", None),
    ("公交站牌信息错误", "公交站牌上的末班车时间与实际不符，导致乘客错过末班车。", None),
    ("施工夜间噪音", "附近工地夜里十二点以后仍在施工，噪音很大，严重影响睡眠。", None),
    ("垃圾清运不及时", "小区垃圾桶已经满了好几天没有清运，气味很大，招来很多蚊蝇。", None),
]


def varied_bodies(count: int = 256, seed: int = 7) -> list[dict[str, object]]:
    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        title, description, category = TEXTS[i % len(TEXTS)]
        body: dict[str, object] = {
            **{k: v for k, v in BODY.items() if k not in ("address", "category")},
            "title": title,
            "description": description,
            "lat": round(rng.uniform(39.86, 40.02), 6),
            "lng": round(rng.uniform(116.26, 116.50), 6),
        }
        if category:
            body["category"] = category
        bodies.append(body)
    return bodies


LUA = r"""
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
local bodies = { %s }
request = function()
  counter = counter + 1
  local tag = thread_id .. "-" .. counter
  local body = string.gsub(bodies[(counter %% #bodies) + 1], "__TAG__", tag)
  local headers = {["Content-Type"] = "application/json", ["X-API-Key"] = "%s"}
  %s
  return wrk.format("POST", "%s", headers, body)
end
"""


# -- CPU accounting: robust when other work shares the machine ---------------------------------------


def process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of ``root`` and its descendants (uvicorn workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(times.get(pid, 0.0) for pid in tree)


def measured(server: subprocess.Popen[bytes], run: Callable[[], Result], settle: str | None = None) -> Result:
    """``run`` with the server's CPU counted; with ``settle`` (the database), counted on until no
    intake there waits for triage, so that triage left for after the answers is not left out."""
    before = process_tree_cpu(server.pid)
    result = run()
    if settle is not None:
        result.settle_s = triage_settled(settle)
    result.server_cpu = process_tree_cpu(server.pid) - before
    return result


# -- server ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, database_url: str | None, jobs: str = "inline") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHILI_")}
    env.update(
        ZHILI_DATA_DIR=str(data_dir),
        ZHILI_ENVIRONMENT="development",
        ZHILI_SECRET_KEY=SECRET,
        ZHILI_SWEEP_INTERVAL_MINUTES="0",
        ZHILI_JOBS=jobs,
        # As ``zhili serve --no-access-log`` sets it: zhili's logging passes uvicorn's access lines to
        # its own handler unless told not to, and uvicorn's --no-access-log alone does not (each
        # request then wrote an access line, about 60 µs of the server's CPU).
        ZHILI_ACCESS_LOG="false",
    )
    if database_url:
        env["ZHILI_DATABASE_URL"] = database_url
    if "ZHILI_SQLITE_SYNCHRONOUS" in os.environ:  # FULL (the default) or NORMAL, to compare them
        env["ZHILI_SQLITE_SYNCHRONOUS"] = os.environ["ZHILI_SQLITE_SYNCHRONOUS"]
    return env


def zhili(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "zhili.cli", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"zhili {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def make_api_key(url: str) -> str:
    database = Database(url)
    try:
        with database.session() as session:
            user, _ = auth_service.create_user(
                session, username="bench_operator", role=Role.operator, unit_code="C11", actor="bench"
            )
            _, key = auth_service.issue_api_key(session, user, "bench", actor="bench")
    finally:
        database.dispose()
    return key


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer /healthz in time")


def warm_up(base: str, key: str) -> None:
    """The first intake builds the location resolver; keep that out of the measurement."""
    for i in range(20):
        body = json.dumps({**BODY, "title": f"预热 {i}"}).encode()
        request = urllib.request.Request(
            f"{base}/api/cases",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-API-Key": key},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201, response.status
        urllib.request.urlopen(f"{base}/healthz", timeout=5).close()


# -- wrk -----------------------------------------------------------------------------------------------

LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, args: argparse.Namespace, name: str, script: Path | None = None) -> Result:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    seconds_match = re.search(r"requests in ([\d.]+)(ms|s|m)", output)
    assert seconds_match is not None
    seconds = float(seconds_match.group(1)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[seconds_match.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    latencies = {p: float(v) * UNIT_MS[u] for p, v, u in LATENCY.findall(output)}
    return Result(name, requests, errors, seconds, latencies.get("50"), latencies.get("99"))


def wrk_script(folder: Path, key: str, bodies: list[dict[str, object]], path: str, idempotency: bool) -> Path:
    literals = ", ".join("[==[" + tagged(body) + "]==]" for body in bodies)
    extra = 'headers["Idempotency-Key"] = "bench-" .. tag' if idempotency else ""
    script = folder / f"post{path.replace('/', '_')}.lua"
    script.write_text(LUA % (literals, key, extra, path), encoding="utf-8")
    return script


# -- the run -------------------------------------------------------------------------------------------


def start_server(factory: str, env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving a factory of bench/intake_floor.py, as `zhili serve --no-access-log` would."""
    port = free_port()
    serve = ["--factory", f"intake_floor:{factory}", "--app-dir", str(BENCH_DIR)]
    serve += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
    except BaseException:
        stop(server)
        raise
    return server, base


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def postgres_url(args: argparse.Namespace) -> str | None:
    if not args.database_url:
        return None
    schema = args.schema
    if schema in ("public", "zhili_test") or not schema.isidentifier():
        raise SystemExit(f"refusing to use schema {schema!r}")
    engine = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{args.database_url}?options=-csearch_path%3D{schema}"


def drop_schema(args: argparse.Namespace) -> None:
    if args.database_url and not args.keep:
        engine = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE"))
        engine.dispose()


def count_cases(url: str) -> int:
    database = Database(url)
    try:
        with database.session(write=False) as session:
            query = select(func.count()).select_from(Case).where(Case.code.not_like("FL%"))  # not floor rows
            return int(session.execute(query).scalar_one())
    finally:
        database.dispose()


def triage_settled(url: str, guard_s: float = 300.0) -> float:
    """Seconds until no intake waits for triage (the drain catching up after the load)."""
    started = time.monotonic()
    database = Database(url)
    try:
        while time.monotonic() - started < guard_s:
            with database.session(write=False) as session:
                if not session.execute(select(TriagePending.case_id).limit(1)).first():
                    return time.monotonic() - started
            time.sleep(0.1)
    finally:
        database.dispose()
    raise SystemExit(f"intakes still waited for triage {guard_s:.0f} s after the load")


def start_worker(env: dict[str, str], url: str, timeout: float = 60) -> subprocess.Popen[bytes]:
    """``zhili worker``, once its first heartbeat is in the queue."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "zhili.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = Database(url)
    try:
        deadline = time.monotonic() + timeout
        while last_heartbeat(database) is None:
            if worker.poll() is not None or time.monotonic() > deadline:
                stop(worker)
                raise SystemExit("zhili worker did not start")
            time.sleep(0.2)
    finally:
        database.dispose()
    return worker


def run_peer(
    args: argparse.Namespace, tool: str, bodies: list[dict[str, object]], folder: Path
) -> list[Result]:
    """django-helpdesk's health check and ticket creation (``bench/intake_peer.py``), or nothing."""
    if not args.peer:
        return []
    if tool != "python":
        raise SystemExit("--peer drives with the Python load generator: add --tool python")
    from intake_peer import run_helpdesk

    return list(run_helpdesk(args, bodies, folder, args.database_url))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--idempotency", action="store_true", help="send an Idempotency-Key per request")
    parser.add_argument("--database-url", default=None, help=f"PostgreSQL admin URL, e.g. {PG_DEFAULT}")
    parser.add_argument("--schema", default="zhili_bench_intake")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    parser.add_argument(
        "--same-place",
        action="store_true",
        help="send one demand at one place every time (worst case for the duplicate check)",
    )
    parser.add_argument("--peer", choices=["helpdesk"], help="also drive django-helpdesk's ticket creation")
    parser.add_argument(
        "--jobs", choices=["inline", "queue"], default="inline", help="where triage runs (queue: PostgreSQL)"
    )
    args = parser.parse_args()
    if args.jobs == "queue" and not args.database_url:
        raise SystemExit("--jobs queue needs PostgreSQL: add --database-url")
    bodies = [BODY] if args.same_place else varied_bodies()

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
        if tool == "python":
            print("wrk not found (apt-get install -y wrk); using the Python asyncio load generator")
    with tempfile.TemporaryDirectory(prefix="zhili-intake-") as tmp:
        folder = Path(tmp)
        pg = postgres_url(args)
        env = server_env(folder, pg, args.jobs)
        url = pg or f"sqlite:///{folder / 'zhili.sqlite3'}"
        scripts: dict[str, Path] = {}

        def drive(base: str, path: str, name: str, key: str | None) -> Result:
            """One endpoint for --duration seconds with the chosen tool (POST when a key is given)."""
            if tool == "python":
                return run_python(base, args, name, key, bodies if key else None, path)
            if key is None:
                return run_wrk(f"{base}{path}", args, name)
            if path not in scripts:
                idempotent = args.idempotency and path == "/api/cases"
                scripts[path] = wrk_script(folder, key, bodies, path, idempotent)
            return run_wrk(f"{base}{path}", args, name, scripts[path])

        try:
            zhili(["init"], env)
            key = make_api_key(url)
            server, base = start_server("create_floor_app", env, args.workers)
            worker = start_worker(env, url) if args.jobs == "queue" else None
            try:
                warm_up(base, key)
                triage_settled(url)
                before = count_cases(url)
                health = measured(server, lambda: drive(base, "/healthz", "GET /healthz", None))
                floor = measured(server, lambda: drive(base, "/bench/floor", "POST /bench/floor", key))
                worker_before = process_tree_cpu(worker.pid) if worker else 0.0
                intake = measured(
                    server, lambda: drive(base, "/api/cases", "POST /api/cases", key), settle=url
                )
                worker_cpu = process_tree_cpu(worker.pid) - worker_before if worker else 0.0
            finally:
                stop(server)
                if worker is not None:
                    stop(worker)
            created = count_cases(url) - before
            # The bare framework: the same body schema and row, no zhili middleware, no API key.
            server, base = start_server("create_bare_app", env, args.workers)
            try:
                bare_health = measured(server, lambda: drive(base, "/healthz", "bare GET /healthz", None))
                bare_floor = measured(server, lambda: drive(base, "/bench/floor", "bare POST floor", key))
            finally:
                stop(server)
            peers = run_peer(args, tool, bodies, folder)
        finally:
            drop_schema(args)
    backend = "postgresql" if pg else "sqlite"
    print(
        f"zhili intake benchmark: {backend}, {args.workers} worker(s), tool {tool}, "
        f"{args.connections} connections, {args.duration} s per endpoint, {os.cpu_count()} CPUs"
    )
    print(f"{'demands':>16}: {'one place, one text' if args.same_place else 'varied places and texts'}")
    for result in (health, floor, intake, bare_health, bare_floor, *peers):
        print(result.line())
    print(f"{'cases stored':>16}: {created:,} (POSTs answered 2xx: {intake.requests - intake.errors:,})")
    where = "a zhili worker" if args.jobs == "queue" else "the server"
    print(f"{'triage':>16}: in {where}; every intake triaged {intake.settle_s:.1f} s after the load stopped")
    ratio = intake.rps / health.rps if health.rps else 0.0
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    print(f"{'intake / health':>16}: {ratio:.3f}  ({verdict} the SPEC target of 0.5)")
    floor_ratio = floor.rps / health.rps if health.rps else 0.0
    print(f"{'floor / health':>16}: {floor_ratio:.3f}  (zhili: API key, session, one INSERT, commit)")
    bare_ratio = bare_floor.rps / bare_health.rps if bare_health.rps else 0.0
    print(f"{'bare floor ratio':>16}: {bare_ratio:.3f}  (FastAPI, INSERT, commit: per-request ceiling)")
    print(f"{'intake / floor':>16}: {intake.rps / floor.rps if floor.rps else 0.0:.3f}")
    if intake.cpu_ms and floor.cpu_ms:
        # Independent of other load on the machine: what one request costs the server.
        print(
            f"{'CPU ratios':>16}: health/intake {health.cpu_ms / intake.cpu_ms:.3f}, "
            f"health/floor {health.cpu_ms / floor.cpu_ms:.3f}  (server CPU per request)"
        )
        per_floor, per_bare = intake.cpu_ms / floor.cpu_ms, intake.cpu_ms / bare_floor.cpu_ms
        print(
            f"{'intake CPU':>16}: {per_floor:.2f}x zhili's floor, {per_bare:.2f}x bare "
            "(server CPU per request)"
        )
        if args.jobs == "queue":
            per_worker = 1000 * worker_cpu / intake.requests if intake.requests else 0.0
            total = (intake.cpu_ms + per_worker) / floor.cpu_ms
            print(
                f"{'worker CPU':>16}: {per_worker:.2f} ms per intake; server + worker "
                f"{total:.2f}x zhili's floor"
            )
    if peers:
        ticket = peers[1]
        faster = intake.rps / ticket.rps if ticket.rps else 0.0
        lighter = ticket.cpu_ms / intake.cpu_ms if intake.cpu_ms else 0.0
        print(
            f"{'intake / peer':>16}: {faster:.2f}x django-helpdesk's tickets/s; "
            f"its CPU per request {lighter:.2f}x ours"
        )


if __name__ == "__main__":
    main()
