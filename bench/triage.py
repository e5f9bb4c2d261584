"""Triage benchmark: classify + route + duplicate check of one demand, against a store of 1M cases.

    .venv/bin/python bench/triage.py                          # 1,000,000 cases in /tmp/zhili-bench-triage
    .venv/bin/python bench/triage.py --cases 200000 --samples 1000
    # with a trained model (otherwise the cold-start keyword classifier runs):
    D=../shared/data/teddy2020c
    .venv/bin/zhili triage train --data $D/labeled_full.csv --data $D/labeled_titles.csv \
        --data $D/labeled_bodies.csv --holdout 0 --model-dir /tmp/zhili-bench-triage/models

Targets (issue 4): single-demand p99 <= 5 ms; batch >= 2,000 demands/s; on a 2-core machine.

What is measured, exactly:

- **single**: ``triage.service.on_intake(session, ctx, case)`` for a freshly flushed case — the
  whole cost triage adds to an intake: the category and demand-type classifiers (the active
  models), routing (rules, units, categories from the cached snapshot), the duplicate check (one
  query over ``triage_fingerprints`` joined to ``cases``: same or neighbouring H3 cells, union the
  same community, each an index range, 7-day window, open cases read from a small index on
  ``cases``), the sketch comparison with numpy, and inserting
  the recommendation and the fingerprint (flushed, not committed). The case insert itself is not
  timed: intake did it already. Wall time and this thread's CPU time are both reported (the CPU
  time depends less on what else the machine is doing, though a busy second core still slows it).
  ``--cold`` first asks the OS to drop the bench database from its page cache, as a long idle
  spell does (this machine's memory manager pages out file pages nobody touched for a while):
  every page the first samples read then comes from disk.
- **batch**: (a) classification alone for ``--batch`` demands at once (``predict_proba``: one
  sparse matrix product), and (b) the full ``on_intake`` for ``--batch`` demands in one
  transaction, one after another — demands per second.

The store: ``--cases`` synthetic cases written directly into a SQLite bench database (migrated and
seeded with Beijing's divisions, units and taxonomy), with fingerprints. Their texts are drawn from
2,000 generated demands (taxonomy keywords × places × phrasing), so signatures are computed once per
distinct text; locations are uniform over central Beijing (about 1,300 km², H3 resolution 10) with
real community codes; received times spread over 60 days, a third of the cases still open. At
1M cases that is about 40 open cases per community and one per H3 cell in a 7-day window — the
density of a city receiving ~16,000 demands a day. The database is kept and reused by later runs.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import timedelta
from pathlib import Path

import h3
from sqlalchemy import func, insert, select

from zhili import migrate
from zhili.bootstrap import seed_reference_data
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.states import CaseState
from zhili.db import Database
from zhili.divisions.models import Division, DivisionLevel
from zhili.kernel.clock import utcnow
from zhili.settings import Settings
from zhili.taxonomy.enums import Channel, DemandType, Urgency
from zhili.taxonomy.service import default_category_rows
from zhili.triage import duplicates, model_store
from zhili.triage import service as triage_service
from zhili.triage.models import CaseFingerprint

LAT, LNG = (39.78, 40.08), (116.22, 116.60)  # central Beijing
PLACES = ["小区", "路口", "公园", "学校门口", "地铁站", "菜市场", "医院", "商场", "工地", "胡同"]
PHRASES = [
    "{kw}问题很严重，希望有关部门尽快处理。",
    "最近{place}附近{kw}，已经持续一周了，影响居民生活。",
    "反映{place}{kw}，多次反映没有解决，请相关部门管一管。",
    "{place}旁边{kw}，晚上尤其明显，老人孩子休息不好。",
]
OPEN_STATES = [CaseState.received, CaseState.dispatched, CaseState.signed, CaseState.contacted]


def _keywords() -> list[str]:
    words = []
    for row in default_category_rows():
        words += [k for k in (row.get("keywords") or "").split(";") if k]
    return sorted(set(words))


def _texts(n: int, rng: random.Random) -> list[tuple[str, str]]:
    words = _keywords()
    texts = []
    for _ in range(n):
        kw, kw2, place = rng.choice(words), rng.choice(words), rng.choice(PLACES)
        title = f"{place}{kw}{rng.choice(['问题', '扰民', '严重', '无人管'])}"
        body = "".join(rng.choice(PHRASES).format(kw=k, place=place) for k in (kw, kw2, kw))
        texts.append((title, body))
    return texts


def _point(rng: random.Random) -> tuple[float, float]:
    return rng.uniform(*LAT), rng.uniform(*LNG)


def build_store(db: Database, n: int, seed: int = 7) -> None:
    with db.session() as session:
        have = session.scalar(select(func.count()).select_from(Case)) or 0
        if have >= n:
            print(f"store: reusing {have:,} cases")
            return
        if not session.scalar(select(func.count()).select_from(Division)):
            print("store: seeding divisions, units, taxonomy …", flush=True)
            seed_reference_data(session)
            session.commit()
        communities = session.scalars(
            select(Division.code).where(
                Division.level == DivisionLevel.community, Division.code.like("1101%")
            )
        ).all()
    rng = random.Random(seed)
    texts = _texts(2000, rng)
    signatures = [duplicates.signature(f"{t} {b}") for t, b in texts]
    now = utcnow()
    started, chunk = time.perf_counter(), 20_000
    print(f"store: writing {n - have:,} cases and fingerprints …", flush=True)
    for offset in range(have, n, chunk):
        cases, prints = [], []
        for i in range(offset, min(n, offset + chunk)):
            j = rng.randrange(len(texts))
            lat, lng = _point(rng)
            community = rng.choice(communities)
            received = now - timedelta(seconds=rng.uniform(0, 60 * 86400))
            state = rng.choice(OPEN_STATES) if rng.random() < 1 / 3 else CaseState.closed
            cell = h3.latlng_to_cell(lat, lng, 10)
            cases.append(
                {
                    "id": i + 1,
                    "code": f"BENCH{i:010d}",
                    "demand_type": DemandType.complaint,
                    "urgency": Urgency.ordinary,
                    "channel": Channel.phone,
                    "title": texts[j][0],
                    "description": texts[j][1],
                    "division_code": community,
                    "district_code": community[:6],
                    "street_code": community[:9],
                    "community_code": community,
                    "h3_cell": cell,
                    "lat": lat,
                    "lng": lng,
                    "state": state,
                    "version": 1,
                    "received_at": received,
                    "updated_at": received,
                    "created_by": "bench",
                }
            )
            prints.append(
                {
                    "case_id": i + 1,
                    "h3_cell": cell,
                    "community_code": community,
                    "received_at": received,
                    "signature": signatures[j],
                }
            )
        with db.session() as session:
            session.execute(insert(Case), cases)
            session.execute(insert(CaseFingerprint), prints)
            session.commit()
        done = min(n, offset + chunk)
        if done % 200_000 < chunk:
            print(f"  {done:,} ({time.perf_counter() - started:.0f} s)", flush=True)


def _drop_page_cache(path: Path) -> None:
    """Ask the OS to forget the file's cached pages (only this file's; clean pages only)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    print(f"page cache: dropped {path.name}")


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return (
        f"p50 {p(0.50):.2f} ms   p90 {p(0.90):.2f} ms   p99 {p(0.99):.2f} ms   "
        f"max {ordered[-1] * 1000:.2f} ms"
    )


def _new_case(session, i: int, rng: random.Random, texts: list[tuple[str, str]], communities) -> Case:  # type: ignore[no-untyped-def]
    lat, lng = _point(rng)
    community = rng.choice(communities)
    now = utcnow()
    title, body = texts[rng.randrange(len(texts))]
    case = Case(
        code=f"NEW{i:012d}",
        demand_type=rng.choice([DemandType.complaint, DemandType.help, DemandType.report]),
        urgency=Urgency.ordinary,
        channel=Channel.phone,
        title=title,
        description=body,
        division_code=community,
        district_code=community[:6],
        street_code=community[:9],
        community_code=community,
        h3_cell=h3.latlng_to_cell(lat, lng, 10),
        lat=lat,
        lng=lng,
        state=CaseState.received,
        version=1,
        received_at=now,
        updated_at=now,
        created_by="bench",
    )
    session.add(case)
    session.flush()
    return case


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=2000, help="single demands timed")
    parser.add_argument("--batch", type=int, default=5000, help="demands per batch run")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/zhili-bench-triage"))
    parser.add_argument("--cold", action="store_true", help="drop the database from the page cache first")
    args = parser.parse_args()

    args.dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(environment="test", data_dir=args.dir, secret_key="bench-triage-" + "x" * 40)
    db = Database(f"sqlite:///{args.dir / 'bench.sqlite3'}")
    migrate.upgrade(db.engine)
    build_store(db, args.cases)

    if args.cold:
        _drop_page_cache(args.dir / "bench.sqlite3")
    ctx = CaseContext.for_settings(settings)  # models: <dir>/models, as the server reads them
    root = model_store.models_root(ctx.settings.data_dir)
    category = model_store.active_model(root, "category")
    print(f"category model: {category.version()} ({type(category.get()).__name__})")
    rng = random.Random(11)
    texts = _texts(500, rng)

    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(Case)) or 0
        communities = session.scalars(
            select(Division.code).where(
                Division.level == DivisionLevel.community, Division.code.like("1101%")
            )
        ).all()
        print(f"store: {total:,} cases")
        for i in range(50):  # warm up: snapshot, model, SQLite page cache
            triage_service.on_intake(session, ctx, _new_case(session, i, rng, texts, communities))
        walls, cpus, found = [], [], 0
        for i in range(args.samples):
            case = _new_case(session, 1000 + i, rng, texts, communities)
            w0, c0 = time.perf_counter(), time.thread_time()
            rec = triage_service.on_intake(session, ctx, case)
            cpus.append(time.thread_time() - c0)
            walls.append(time.perf_counter() - w0)
            found += rec["duplicates"] != "[]"
        session.rollback()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nsingle demand, on_intake ({args.samples} samples; {found} had duplicate candidates)")
    print(f"  (load average {load} on {os.cpu_count()} cores: wall time includes waiting for a core)")
    print(f"  wall: {_percentiles(walls)}")
    print(f"  cpu:  {_percentiles(cpus)}")

    model = category.get()
    batch_texts = [f"{t} {b}" for t, b in (texts * (args.batch // len(texts) + 1))[: args.batch]]
    started, cpu = time.perf_counter(), time.thread_time()
    model.predict_proba(batch_texts)
    seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu
    print(
        f"\nbatch classification: {args.batch} demands in {seconds:.2f} s = "
        f"{args.batch / seconds:,.0f} demands/s (cpu {cpu:.2f} s = {args.batch / cpu:,.0f} demands/s)"
    )

    with db.session() as session:
        cases = [_new_case(session, 100_000 + i, rng, texts, communities) for i in range(args.batch)]
        started, cpu = time.perf_counter(), time.thread_time()
        for case in cases:
            triage_service.on_intake(session, ctx, case)
        seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu
        session.rollback()
    print(
        f"batch triage (on_intake, one transaction): {args.batch} demands in {seconds:.2f} s = "
        f"{args.batch / seconds:,.0f} demands/s (cpu {cpu:.2f} s = {args.batch / cpu:,.0f} demands/s)"
    )


if __name__ == "__main__":
    main()
