"""Bulk-import benchmark: generate N synthetic legacy cases, import them, print rows/s.

    .venv/bin/python bench/bulk_import.py                       # 200k rows, Parquet, SQLite + PostgreSQL
    .venv/bin/python bench/bulk_import.py --rows 50000 --format csv --backend sqlite
    .venv/bin/python bench/bulk_import.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The rows look like a legacy 12345 export: mostly closed cases with all their step times, division codes
and coordinates, a phone number on every row, a name on 90 % and an ID number on 20 % (all encrypted on
the way in). ``--codes`` chooses whether rows carry a legacy tracking code (all / none / half).

SQLite runs in a temporary directory. PostgreSQL runs in its own schema (``zhili_bench`` by default),
created before and dropped after the run; no other schema is touched. The import runs exactly as
``zhili cases import`` does: one transaction per batch, committed after each (``--initial-load``: one
transaction, secondary indexes and foreign keys dropped first and rebuilt at the end).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

import copy_floor
from zhili.bootstrap import initialise
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import BatchResult, import_cases
from zhili.cases.models import Case
from zhili.db import WRITE_OPTION, Database
from zhili.divisions.models import Division, DivisionLevel
from zhili.settings import Settings
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TYPES = ["投诉", "求助", "咨询", "建议", "举报", "表扬"]
CHANNELS = ["电话"] * 8 + ["网站", "App/小程序", "网格巡查"]
SURNAMES = "王李张刘陈杨赵黄周吴"
TITLES = [
    "小区楼下噪音扰民",
    "道路破损需修补",
    "暖气不热",
    "垃圾清运不及时",
    "路灯不亮",
    "违章停车堵塞消防通道",
]
DESCRIPTION = "市民反映{}，已持续一段时间，影响居民正常生活，希望有关部门尽快核实处理并答复。编号{}。"
REPLY = "经核实，已安排人员现场处理，问题已解决，并已电话告知市民处理结果。"
# (state, share): most of a historical export is closed.
STATES = [
    ("closed", 0.88),
    ("visited", 0.02),
    ("reported", 0.03),
    ("contacted", 0.02),
    ("signed", 0.02),
    ("dispatched", 0.02),
    ("received", 0.01),
]
STEPS = ["dispatched_at", "signed_at", "contacted_at", "reported_at", "visited_at", "closed_at"]
STEP_OF_STATE = {"received": 0, "dispatched": 1, "signed": 2, "contacted": 3, "reported": 4, "visited": 5}


def reference(database: Database) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Communities whose street has a unit, as (community, street unit, address), and category codes."""
    with database.session(write=False) as session:
        units = set(session.execute(select(Unit.code)).scalars())
        communities = session.execute(
            select(Division.code, Division.name).where(Division.level == DivisionLevel.community)
        ).all()
        names = dict(session.execute(select(Division.code, Division.name)).all())
        categories = list(session.execute(select(Category.code).where(Category.level == 3)).scalars())
    places = [
        (code, f"S{code[:9]}", f"北京市{names.get(code[:6], '')}{names.get(code[:9], '')}{name}")
        for code, name in communities
        if f"S{code[:9]}" in units
    ]
    return places, categories


def generate(rows: int, places: list[tuple[str, str, str]], categories: list[str], codes: str) -> pa.Table:
    rng = random.Random(20260101)
    start = datetime(2025, 1, 1, 8, 0, 0)
    span = timedelta(days=30).total_seconds()
    states = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES], k=rows)
    columns: dict[str, list[Any]] = {
        name: []
        for name in [
            "code",
            "demand_type",
            "urgency",
            "category",
            "channel",
            "title",
            "description",
            "address",
            "lat",
            "lng",
            "district_code",
            "street_code",
            "community_code",
            "citizen_name",
            "citizen_phone",
            "citizen_id_number",
            "received_at",
            "state",
            "dispatched_at",
            "signed_at",
            "contacted_at",
            "reported_at",
            "visited_at",
            "closed_at",
            "lead_unit",
            "reply",
            "satisfaction",
            "visit_solved",
        ]
    }
    for i in range(rows):
        community, unit, address = places[rng.randrange(len(places))]
        state = states[i]
        received = start + timedelta(seconds=span * i / rows)
        with_code = codes == "all" or (codes == "half" and i % 2 == 0)
        title = TITLES[i % len(TITLES)]
        columns["code"].append(f"LEG{i:010d}" if with_code else None)
        columns["demand_type"].append(TYPES[i % len(TYPES)])
        columns["urgency"].append("一般" if i % 20 else "紧急")
        columns["category"].append(categories[i % len(categories)])
        columns["channel"].append(CHANNELS[i % len(CHANNELS)])
        columns["title"].append(f"{title}（{i}）")
        columns["description"].append(DESCRIPTION.format(title, i))
        columns["address"].append(address)
        columns["lat"].append(round(39.9 + rng.random() * 0.1, 6))
        columns["lng"].append(round(116.3 + rng.random() * 0.2, 6))
        columns["district_code"].append(community[:6])
        columns["street_code"].append(community[:9])
        columns["community_code"].append(community)
        columns["citizen_name"].append(SURNAMES[i % 10] + "先生" if i % 10 else None)
        columns["citizen_phone"].append(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}")
        columns["citizen_id_number"].append(
            f"110105{1960 + i % 40}0101{i % 1000:03d}X" if i % 5 == 0 else None
        )
        columns["received_at"].append(received.strftime("%Y-%m-%d %H:%M:%S"))
        columns["state"].append(state)
        last = STEP_OF_STATE.get(state, 6)
        moment = received
        for step, column in enumerate(STEPS, start=1):
            moment = moment + timedelta(hours=1 + step)
            columns[column].append(moment.strftime("%Y-%m-%d %H:%M:%S") if step <= last else None)
        columns["lead_unit"].append(unit if state != "received" else None)
        columns["reply"].append(REPLY if last >= 4 else None)
        visited = last >= 5
        columns["satisfaction"].append(("满意" if i % 7 else "基本满意") if visited else None)
        columns["visit_solved"].append(("是" if i % 9 else "否") if visited else None)
    return pa.table(columns)


def write_file(table: pa.Table, folder: Path, fmt: str) -> Path:
    path = folder / f"cases.{fmt}"
    if fmt == "parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path)
    return path


@dataclass
class Timing:
    accepted: int
    seconds: float
    python_cpu: float  # CPU seconds of this process (reading, checking, encrypting, SQLite itself)
    database_cpu: float | None  # CPU seconds of the PostgreSQL backend that took the rows


def cpu_seconds(pid: int | None = None) -> float:
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_pid(session: Session) -> int | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    return pid if Path(f"/proc/{pid}").exists() else None  # the server runs on another machine


def run_import(database: Database, settings: Settings, path: Path, batch: int, initial_load: bool) -> Timing:
    ctx = CaseContext.for_settings(settings)
    session = database.open_session(write=True)
    pids: set[int | None] = set()

    def commit(_result: BatchResult) -> None:
        if not initial_load:
            session.commit()
            session.connection(execution_options={WRITE_OPTION: True})
        pids.add(backend_pid(session))

    try:
        pid = backend_pid(session)
        pids.add(pid)
        database_before = cpu_seconds(pid) if pid else 0.0
        python_before = cpu_seconds()
        started = time.perf_counter()
        report = import_cases(
            session, ctx, path, batch_size=batch, after_batch=commit, initial_load=initial_load
        )
        session.commit()
        seconds = time.perf_counter() - started
        python_cpu = cpu_seconds() - python_before
        database_cpu = cpu_seconds(pid) - database_before if pid and pids == {pid} else None
    finally:
        session.close()
    if report.refused:
        print(f"  warning: {report.refused} rows refused, see {report.rejects}", file=sys.stderr)
    return Timing(report.accepted, seconds, python_cpu, database_cpu)


def sqlite_run(folder: Path, path_of: Any, args: argparse.Namespace) -> None:
    settings = Settings(environment="test", data_dir=folder, secret_key="bench-" + "x" * 40)
    database = Database(settings.resolved_database_url)
    initialise(database)
    path = path_of(database)
    report("sqlite", run_import(database, settings, path, args.batch_size, args.initial_load), database)
    database.dispose()


def postgres_run(folder: Path, path_of: Any, args: argparse.Namespace) -> None:
    schema = args.schema
    if schema in ("public", "zhili_test") or not schema.isidentifier():
        raise SystemExit(f"refusing to use schema {schema!r}")
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{args.database_url}?options=-csearch_path%3D{schema}"
    settings = Settings(environment="test", data_dir=folder, database_url=url, secret_key="bench-" + "x" * 40)
    database = Database(url)
    try:
        initialise(database)
        path = path_of(database)
        timing = run_import(database, settings, path, args.batch_size, args.initial_load)
        report("postgresql", timing, database)
        libpq = make_url(args.database_url).set(drivername="postgresql").render_as_string(False)
        floor = copy_floor.measure(libpq, schema, initial_load=args.initial_load)
        print(
            f"{'':>10}  database floor (the same rows by COPY, no Python): {floor.rows:,} rows in "
            f"{floor.seconds:.2f} s = {floor.rows_per_second:,.0f} rows/s; "
            f"importer / floor = {timing.accepted / timing.seconds / floor.rows_per_second:.2f}"
        )
    finally:
        database.dispose()
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def report(backend: str, timing: Timing, database: Database) -> None:
    with database.session(write=False) as session:
        stored = session.execute(select(func.count()).select_from(Case)).scalar_one()
    n = timing.accepted
    rate = n / timing.seconds
    print(f"{backend:>10}: {n:,} rows in {timing.seconds:.2f} s = {rate:,.0f} rows/s ({stored:,} stored)")
    # CPU per row does not depend on what else runs on the machine.
    cpu = f"{'':>10}  CPU per row: importer process {1e6 * timing.python_cpu / n:.1f} µs"
    if timing.database_cpu is not None:
        cpu += f", PostgreSQL backend {1e6 * timing.database_cpu / n:.1f} µs"
    print(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--codes", choices=["all", "none", "half"], default="half")
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", default=PG_DEFAULT, help="PostgreSQL server (admin URL)")
    parser.add_argument("--schema", default="zhili_bench", help="PostgreSQL schema created and dropped")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    parser.add_argument(
        "--initial-load",
        action="store_true",
        help="drop and rebuild secondary indexes (zhili cases import --initial-load)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="zhili-bulk-") as tmp:
        folder = Path(tmp)
        made: dict[str, Path] = {}

        def path_of(database: Database) -> Path:
            # Generated once, from the first database's reference data (the same seed everywhere).
            if "file" not in made:
                t = time.perf_counter()
                places, categories = reference(database)
                table = generate(args.rows, places, categories, args.codes)
                made["file"] = write_file(table, folder, args.format)
                size = made["file"].stat().st_size / 1e6
                took = time.perf_counter() - t
                print(f"generated {args.rows:,} rows ({args.format}, {size:.0f} MB) in {took:.1f} s")
            return made["file"]

        if args.backend in ("sqlite", "both"):
            sqlite_run(folder, path_of, args)
        if args.backend in ("postgresql", "both"):
            postgres_run(folder, path_of, args)


if __name__ == "__main__":
    main()
