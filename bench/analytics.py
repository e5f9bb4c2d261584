"""Benchmark of the 民生诉求数据库: generation, sync, and every dashboard view warm over N cases.

    .venv/bin/python bench/analytics.py                        # 20 million cases, a fresh store
    .venv/bin/python bench/analytics.py --cases 1000000        # iterate on a million
    .venv/bin/python bench/analytics.py --store /tmp/zs20m     # reuse a generated store (no generation)
    .venv/bin/python bench/analytics.py --sync-cases 100000    # also time `analytics sync` from SQLite

Prints generation rows/s (``zhili demo generate --store`` path: numpy → Parquet, then the rollups), sync
rows/s (cases imported into a fresh SQLite database with the bulk importer, then synced into an empty
store), each view's time warm (the best of ``--repeat`` runs after one warm-up run), and the peak
resident memory of the process (``resource.getrusage``). Asserts nothing about time. Each view run
reads its labels (division and category names) from a SQLite database holding the reference data, as a
request does.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhili.analytics import views, warnings
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY, Reach, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store
from zhili.analytics.topics import candidates
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


def view_suite(engine: Engine, session: Session, year: int) -> dict[str, Callable[[], Any]]:
    def fresh() -> Labels:  # one per run, as one per request
        return Labels(session)

    f = ViewFilter()
    october = ViewFilter(date_from=date(year, 10, 1), date_to=date(year, 10, 31))
    district = Reach(division_codes=frozenset({"110105"}))
    street = Reach(division_codes=frozenset({"110105026"}))
    return {
        "volume by month": lambda: views.volume(engine, fresh(), CITY, f, "month"),
        "volume by day": lambda: views.volume(engine, fresh(), CITY, f, "day"),
        "volume by week (October, 朝阳)": lambda: views.volume(engine, fresh(), district, october, "week"),
        "volume by district": lambda: views.volume(engine, fresh(), CITY, f, "district"),
        "volume by street": lambda: views.volume(engine, fresh(), CITY, f, "street"),
        "volume by street (望京 user)": lambda: views.volume(engine, fresh(), street, f, "street"),
        "volume by community (October)": lambda: views.volume(engine, fresh(), CITY, october, "community"),
        "volume by category": lambda: views.volume(engine, fresh(), CITY, f, "category"),
        "volume by type": lambda: views.volume(engine, fresh(), CITY, f, "demand_type"),
        "volume by channel": lambda: views.volume(engine, fresh(), CITY, f, "channel"),
        "handling by district": lambda: views.handling(engine, fresh(), CITY, f, "district"),
        "handling by category": lambda: views.handling(engine, fresh(), CITY, f, "category"),
        "choropleth (districts)": lambda: views.district_choropleth(engine, fresh(), CITY, f),
        "H3 cells res 7": lambda: views.hex_cells(engine, CITY, f, 7),
        "H3 cells res 9 (October)": lambda: views.hex_cells(engine, CITY, october, 9),
        "top problems + keywords": lambda: views.top_problems(engine, fresh(), CITY, f),
        "repeat addresses": lambda: views.repeat_addresses(engine, fresh(), CITY, f),
        "repeat callers (30 days)": lambda: views.repeat_callers(engine, fresh(), CITY, f),
        "sentiment by week": lambda: views.sentiment(engine, fresh(), CITY, f, "week"),
        "forecast (4 weeks)": lambda: warnings.weekly_forecasts(engine, fresh(), CITY, f),
        "early warnings (one day)": lambda: warnings.early_warnings(
            engine, fresh(), CITY, date(year, 10, 20)
        ),
        "每月一题 candidates": lambda: candidates(engine, fresh(), CITY, f"{year}-10"),
        "recurring communities (October)": lambda: warnings.recurring_communities(
            engine, fresh(), CITY, october
        ),
    }


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
    args = parser.parse_args()

    results: dict[str, Any] = {}
    temporary = Path(tempfile.mkdtemp(prefix="zhili-bench-analytics-"))
    try:
        if args.store:
            root = args.store
            results["generation"] = "reused " + str(root)
        else:
            root = args.keep or temporary / "store"
            results["generation"] = generate(args.cases, root, args.seed)
            print("generation:", json.dumps(results["generation"]), flush=True)
        if args.sync_cases:
            results["sync"] = time_sync(args.sync_cases, temporary)
            print("sync:", json.dumps(results["sync"]), flush=True)
        _, reference = reference_database(temporary / "reference")
        engine = Engine(Store(root))
        rows = engine.rows("SELECT count(*) AS n FROM cases")[0]["n"]
        year = int(engine.rows("SELECT min(month) AS m FROM cases")[0]["m"][:4])
        print(f"views over {rows:,} cases (warm: best of {args.repeat} after one warm-up), seconds:")
        timings = {}
        session = reference.open_session(write=False)
        for name, run in view_suite(engine, session, year).items():
            run()
            best = float("inf")
            for _ in range(args.repeat):
                started = time.perf_counter()
                run()
                best = min(best, time.perf_counter() - started)
            timings[name] = round(best, 3)
            print(f"  {name:<34} {best:7.3f}", flush=True)
        session.close()
        reference.dispose()
        results["views"] = timings
        results["slowest_view_s"] = max(timings.values())
        results["peak_memory_mb"] = round(peak_mb())
        print(json.dumps({k: v for k, v in results.items() if k != "views"}, ensure_ascii=False))
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
