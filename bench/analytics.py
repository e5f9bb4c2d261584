"""Benchmark of the 民生诉求数据库: generation, sync, and every dashboard view warm and cold over N cases,
each beside its raw floor measured in the same run.

    .venv/bin/python bench/analytics.py                        # 20 million cases, a fresh store
    .venv/bin/python bench/analytics.py --cases 1000000        # iterate on a million
    .venv/bin/python bench/analytics.py --store /tmp/zs20m     # reuse a generated store (no generation)
    .venv/bin/python bench/analytics.py --store /tmp/zs20m --rebuild-rollups   # after changing rollups
    .venv/bin/python bench/analytics.py --sync-cases 100000    # also time `analytics sync` from SQLite

Prints generation rows/s (``zhili demo generate --store`` path: numpy → Parquet, then the rollups), sync
rows/s (cases imported into a fresh SQLite database with the bulk importer, then synced into an empty
store), and per view (``bench/analytics_views.py`` lists them and defines the floor and cold):

- warm: the best of ``--repeat`` runs after one warm-up run, on one long-lived DuckDB connection;
- cold: one run in a fresh Python process (modules already imported) on a new DuckDB connection, with
  the OS page cache as it is (not dropped);
- floor: the raw DuckDB scan of the case rows and columns the view's answer depends on, warm (best of
  ``--repeat``, same connection) and cold (new connection in the same fresh process), and the ratios
  view / floor.

Then the peak resident memory of the process (``resource.getrusage``) and the load average before and
after (``os.getloadavg``: other jobs share the machine). Asserts nothing about time. Each view run
reads its labels (division and category names) from a SQLite database holding the reference data, as a
request does.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics_views import View, run_floor, store_year, suite
from zhili.analytics import rollup_build
from zhili.analytics.engine import Engine
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store
from zhili.db import Database
from zhili.settings import Settings


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(cases: int, root: Path, seed: int) -> dict[str, Any]:
    from zhili.demo.generator import YearGenerator
    from zhili.demo.writers import to_store, write_bursts

    started = time.perf_counter()
    gen = YearGenerator(cases, 2025, seed)
    total = to_store(gen, Store(root), lambda n: None)
    write_bursts(gen, root / "_bursts.json")
    seconds = time.perf_counter() - started
    return {"rows": total, "seconds": round(seconds, 1), "rows_per_s": round(total / seconds)}


def reference_database(work: Path) -> tuple[Settings, Database]:
    """A fresh SQLite database in ``work`` with Beijing's divisions, the units and the taxonomy."""
    from zhili import migrate
    from zhili.bootstrap import seed_reference_data

    work.mkdir(parents=True, exist_ok=True)
    settings = Settings(environment="test", data_dir=work, secret_key="bench-" + "x" * 40)
    database = Database(settings.resolved_database_url)
    migrate.upgrade(database.engine)
    with database.session() as session:
        seed_reference_data(session)
    return settings, database


def time_sync(cases: int, work: Path) -> dict[str, Any]:
    """Import ``cases`` synthetic cases into a fresh SQLite database, then sync them into a new store."""
    from zhili.analytics.sync import sync
    from zhili.cases.context import CaseContext
    from zhili.cases.importer.service import import_cases
    from zhili.demo.generator import YearGenerator
    from zhili.demo.writers import to_import_file

    settings, database = reference_database(work / "sync")
    path = work / "sync-input.parquet"
    to_import_file(YearGenerator(cases, 2025, 11), path, lambda n: None, with_phones=True)
    with database.session() as session:
        import_cases(session, CaseContext.for_settings(settings), path)
    store = Store(work / "sync-store")
    started = time.perf_counter()
    report = sync(database, settings, store, settle_seconds=0)
    seconds = time.perf_counter() - started
    again = time.perf_counter()
    second = sync(database, settings, store, settle_seconds=0)
    idle = time.perf_counter() - again
    database.dispose()
    return {
        "cases": report.cases,
        "events": report.events,
        "seconds": round(seconds, 1),
        "rows_per_s": round(report.cases / seconds),
        "second_run_cases": second.cases,
        "second_run_seconds": round(idle, 2),
    }


def best(run: Callable[[], Any], repeat: int) -> float:
    run()
    fastest = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


COLD = ("seconds", "floor", "scipy_import")


def cold(root: Path, database_url: str, name: str) -> dict[str, float]:
    script = Path(__file__).with_name("analytics_views.py")
    out = subprocess.run(
        [sys.executable, str(script), str(root), database_url, name],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def time_views(
    root: Path, reference: Database, repeat: int, only: str | None, with_cold: bool
) -> dict[str, dict[str, float]]:
    engine = Engine(Store(root))
    rows = engine.rows("SELECT count(*) AS n FROM cases")[0]["n"]
    year, last_month = store_year(engine)
    print(
        f"views over {rows:,} cases, seconds. warm: best of {repeat} after one warm-up on one DuckDB "
        "connection; cold: once, in a fresh process on a new DuckDB connection, OS page cache as it is; "
        "floor: a raw DuckDB scan of the rows and columns the view depends on",
        flush=True,
    )
    heads = ("warm", "cold", "floor", "warm/fl", "floor cold", "cold/fl")
    print(f"  {'view':<46} " + " ".join(f"{h:>{max(7, len(h))}}" for h in heads), flush=True)
    session = reference.open_session(write=False)
    timings: dict[str, dict[str, float]] = {}
    scipy_import = 0.0
    views: dict[str, View] = suite(year, last_month)
    for name, view in views.items():
        if only and only not in name:
            continue
        warm = best(lambda v=view: v.run(engine, Labels(session), session), repeat)  # type: ignore[misc]
        floor = best(lambda v=view: run_floor(engine, v), repeat)  # type: ignore[misc]
        nan = float("nan")
        c = cold(root, str(reference.engine.url), name) if with_cold else dict.fromkeys(COLD, nan)
        scipy_import = max(scipy_import, c["scipy_import"])
        timings[name] = {
            "warm": round(warm, 3),
            "cold": round(c["seconds"], 3),
            "floor": round(floor, 3),
            "floor_cold": round(c["floor"], 3),
        }
        print(
            f"  {name:<46} {warm:7.3f} {c['seconds']:7.3f} {floor:7.3f} {warm / floor:7.2f} "
            f"{c['floor']:10.3f} {c['seconds'] / c['floor']:7.2f}",
            flush=True,
        )
    session.close()
    engine.close()
    print(
        f"  (not in the cold times: importing scipy.stats, which the early warnings do at their first "
        f"use in a process, took {scipy_import:.2f} s in the cold processes)",
        flush=True,
    )
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20_000_000)
    parser.add_argument("--store", type=Path, help="reuse this store (generated before); no generation")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sync-cases", type=int, default=0, help="also time sync of this many DB cases")
    parser.add_argument("--only", help="time only the views whose name contains this")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold runs (quicker iterations)")
    parser.add_argument(
        "--rebuild-rollups", action="store_true", help="with --store: rebuild its rollups first (timed)"
    )
    args = parser.parse_args()

    results: dict[str, Any] = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    print("load average before:", results["load_average_before"], flush=True)
    temporary = Path(tempfile.mkdtemp(prefix="zhili-bench-analytics-"))
    try:
        if args.store:
            root = args.store
            results["generation"] = "reused " + str(root)
            if args.rebuild_rollups:
                store = Store(root)
                started = time.perf_counter()
                rollup_build.rebuild(store, store.months())
                results["rollups_rebuild_s"] = round(time.perf_counter() - started, 1)
                print("rollups rebuilt in", results["rollups_rebuild_s"], "s", flush=True)
        else:
            root = args.keep or temporary / "store"
            results["generation"] = generate(args.cases, root, args.seed)
            print("generation:", json.dumps(results["generation"]), flush=True)
        if args.sync_cases:
            results["sync"] = time_sync(args.sync_cases, temporary)
            print("sync:", json.dumps(results["sync"]), flush=True)
        _, reference = reference_database(temporary / "reference")
        timings = time_views(root, reference, args.repeat, args.only, not args.no_cold)
        reference.dispose()
        results["slowest_warm_s"] = max(t["warm"] for t in timings.values())
        results["slowest_cold_s"] = max(t["cold"] for t in timings.values())
        results["peak_memory_mb"] = round(peak_mb())
        results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        print(json.dumps(results, ensure_ascii=False))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
