"""Case-list benchmark: ``GET /api/cases`` over HTTP at 1 M cases (or more) against hand-written SQL.

    .venv/bin/python bench/case_list.py                     # 1 M cases (built once, cached)
    .venv/bin/python bench/case_list.py --cases 200000 --repeat 30
    .venv/bin/python bench/case_list.py --cases 20000000    # a Beijing year; the build takes long

The cases are generated inside PostgreSQL (``bench/case_list_data.py``) into the schema
``zhili_bench_case_list_<N>``, kept and reused while it holds the requested number (migrated to the head
first when the migrations moved on; ``--rebuild`` starts again). zhili then serves them under uvicorn,
and every cell, role (city centre operator, district government, street office, district department) ×
query (no filter, state, date range, category, text ``噪音``, all combined) × page (1, and the page after
row ``--deep``), is asked ``--repeat`` times over HTTP with an API key. The same question (the page's
rows and the count up to 10,000) is then asked in hand-written SQL on a psycopg connection, in the same
run; the ratio is zhili's p50 and p95 over the SQL's. Other jobs on the machine move the absolute
numbers: compare within a run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from case_list_data import build
from intake import free_port, server_env, stop, wait_until_up
from zhili import migrate
from zhili.auth import service as auth_service
from zhili.auth.models import Role, User
from zhili.auth.scope import readable
from zhili.bootstrap import seed_reference_data
from zhili.cases.listing.cursor import Cursor, encode
from zhili.cases.models import Case
from zhili.cases.policy import sees_centre_unlocated, sees_own_unlocated
from zhili.db import Database
from zhili.taxonomy import repository as taxonomy

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PREFIX = "zhili_bench_case_list"  # one schema per size, so that 200k and 1 M stay cached side by side
CAP = 10_000
PAGE = 50
ROLES = {
    "city": (Role.operator, "C11"),
    "district": (Role.unit_staff, "G110105"),
    "street": (Role.unit_staff, "S110105026"),
    "department": (Role.unit_staff, "D110105-urban_management"),
}
TEXT = "噪音"
MONTH = ("2026-08-01T00:00:00+08:00", "2026-09-01T00:00:00+08:00")
CATEGORY = "02"


def queries(category_ids: list[int]) -> dict[str, tuple[dict[str, Any], str]]:
    """Each query: its API parameters, and the same filter in SQL."""
    cats = "category_id IN (" + ",".join(map(str, category_ids)) + ")"
    like = " OR ".join(f"{c} LIKE '%{TEXT}%'" for c in ("title", "description", "address", "reply"))
    # 噪音 is in a quarter of the cases: walking the scope with LIKE alone is the fastest hand-written
    # query (the bigram index would first collect every match in the table), as zhili decides too.
    words = f"({like})"
    dates = f"received_at >= '{MONTH[0]}' AND received_at < '{MONTH[1]}'"
    return {
        "none": ({}, "true"),
        "state": ({"state": "signed"}, "state = 'signed'"),
        "dates": ({"received_from": MONTH[0], "received_to": MONTH[1]}, dates),
        "category": ({"category": CATEGORY}, cats),
        "text": ({"q": TEXT}, f"({words})"),
        "combined": (
            {"state": "closed", "category": CATEGORY, "q": TEXT, "received_from": MONTH[0]},
            f"state = 'closed' AND {cats} AND ({words}) AND received_at >= '{MONTH[0]}'",
        ),
    }


# The branch of the cases a unit is called into (吹哨): read through its co-unit assignments, in the
# order of their partial index (unit, case_received_at, case), as zhili does. Its lead assignments
# are the cases of the lead-unit branch already (``zhili.cases.repository``), and it holds a case at
# most once as a co-unit. Asked nothing but dates, the assignments answer alone (their copy of
# received_at), without the cases.
CALLED = "called:{unit}"
CO_UNIT = "a.unit_id = {unit} AND a.role = 'co' AND a.status <> 'released'"
ASSIGNED = (
    "SELECT a.case_id AS id, a.case_received_at AS received_at FROM case_assignments a{join} "
    "WHERE " + CO_UNIT + " AND {where}"
)
JOIN_CASES = " JOIN cases ON cases.id = a.case_id"
DATES = re.compile(r"\breceived_at [<>]=? '[^']*'")


def branches(session: Any, username: str) -> list[str]:
    """The role's scope as hand-written conditions, one index each. Which divisions and which
    unlocated cases an actor reads is zhili's policy (``auth.scope.readable``, ``cases.policy``): a
    district department's jurisdiction names its district, but it reads only the cases its unit leads
    or is called into."""
    user = session.execute(select(User).where(User.username == username)).scalar_one()
    actor = auth_service.actor_for(session, user)
    scope = readable(actor)
    if scope.everything:
        return ["true"]
    places = []
    for code in sorted(scope.division_codes):
        if len(code) in (6, 9):
            places.append(f"substr(division_code, 1, {len(code)}) = '{code}'")
        else:
            places.append(f"division_code LIKE '{code}%'")
    own = []
    if actor.unit_id is not None:
        own += [f"lead_unit_id = {actor.unit_id}", CALLED.format(unit=actor.unit_id)]
        if sees_centre_unlocated(actor):
            own.append(f"division_code IS NULL AND receiving_unit_id = {actor.unit_id}")
    if sees_own_unlocated(actor):
        own.append(f"division_code IS NULL AND created_by = '{username}'")
    return places + own


def _rows(branch: str, where: str, after: str = "true") -> tuple[str, str]:
    """The branch's (id, received_at) rows, and its order."""
    if branch.startswith("called:"):
        unit = branch.removeprefix("called:")
        moved = after.replace("(received_at, id)", "(a.case_received_at, a.case_id)")
        # The dates bound the assignments' index range too, through their copy of received_at.
        bounds = [f"a.case_{c}" for c in DATES.findall(where)]
        alone = DATES.sub("", where).replace("AND", "").strip() in ("", "true")  # only dates asked
        asked = "true" if alone else where
        join = "" if alone else JOIN_CASES
        rows = ASSIGNED.format(unit=unit, join=join, where=" AND ".join([asked, moved, *bounds]))
        return rows, "a.case_received_at DESC, a.case_id DESC"
    return (
        f"SELECT id, received_at FROM cases WHERE ({branch}) AND {where} AND {after}",
        "received_at DESC, id DESC",
    )


def page_sql(scope: list[str], where: str, after: str) -> str:
    parts = []
    for b in scope:
        rows, order = _rows(b, where, after)
        parts.append(f"({rows} ORDER BY {order} LIMIT {PAGE + 1})")
    ids = f"SELECT id FROM ({' UNION '.join(parts)}) u ORDER BY received_at DESC, id DESC LIMIT {PAGE + 1}"
    return f"SELECT * FROM cases WHERE id IN ({ids}) ORDER BY received_at DESC, id DESC"


def deep_sql(scope: list[str], where: str, deep_row: int) -> str:
    """The last row before the deep page (untimed: it only makes the cursor)."""
    parts = [f"({_rows(b, where)[0]} ORDER BY {_rows(b, where)[1]} LIMIT {deep_row})" for b in scope]
    union = " UNION ".join(parts)
    order = f"ORDER BY received_at DESC, id DESC OFFSET {deep_row - 1} LIMIT 1"
    return f"SELECT received_at, id FROM ({union}) u {order}"


def count_sql(scope: list[str], where: str) -> str:
    parts = [f"(SELECT id FROM ({_rows(b, where)[0]}) r LIMIT {CAP + 1})" for b in scope]
    return f"SELECT count(*) FROM (SELECT id FROM ({' UNION '.join(parts)}) u LIMIT {CAP + 1}) x"


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def schema_for(n: int) -> str:
    return f"{PREFIX}_{n}"


def _database(url: str, n: int, rebuild: bool) -> Database:
    schema = schema_for(n)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    scoped = f"{url}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        if rebuild:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema}"))
    database = Database(scoped)
    try:
        with database.session(write=False) as session:
            held = session.execute(select(func.count()).select_from(Case)).scalar_one()
            current = migrate.current_revisions(session.connection()) == migrate.head_revisions()
    except Exception:
        held, current = -1, False
    if held == n:
        if not current:  # the migrations moved on: bring the cached cases along, as a deployment would
            began = time.perf_counter()
            migrate.upgrade(database.engine)
            print(f"  migrated schema {schema} to the head in {time.perf_counter() - began:.0f} s")
        print(f"  reusing schema {schema} ({n:,} cases)")
        return database
    database.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    database = Database(scoped)
    began = time.perf_counter()
    migrate.upgrade(database.engine)
    with database.session() as session:
        seed_reference_data(session)
    with database.session() as session:
        build(session, n)
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE cases"))
        conn.execute(text("VACUUM ANALYZE case_assignments"))
    print(f"  built {n:,} cases in {time.perf_counter() - began:.0f} s")
    return database


def _keys(database: Database) -> dict[str, tuple[str, int, str]]:
    keys = {}
    with database.session() as session:
        session.execute(text("DELETE FROM api_keys WHERE name = 'case-list'"))
        for role, (kind, unit_code) in ROLES.items():
            name = f"bench_{role}"
            user = session.execute(text("SELECT id FROM users WHERE username = :u"), {"u": name}).first()
            if user is None:
                created, _ = auth_service.create_user(session, username=name, role=kind, unit_code=unit_code)
            else:
                created = session.get_one(User, user[0])
            _, key = auth_service.issue_api_key(session, created, "case-list", actor="bench")
            assert created.unit_id is not None
            keys[role] = (key, created.unit_id, name)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20, help="requests per cell")
    parser.add_argument("--deep", type=int, default=5_000, help="the deep page starts after this row")
    parser.add_argument("--database-url", default=os.environ.get("ZHILI_BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated: " + ", ".join(ROLES))
    args = parser.parse_args()
    print(f"case-list benchmark: {args.cases:,} cases, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    database = _database(args.database_url, args.cases, args.rebuild)
    keys = {role: key for role, key in _keys(database).items() if role in args.roles.split(",")}
    with database.session(write=False) as session:
        category_ids = taxonomy.subtree_ids(session, CATEGORY)
        assert category_ids is not None
        cells = queries(category_ids)
        scopes = {role: branches(session, name) for role, (_, _, name) in keys.items()}
    url = f"{args.database_url}?options=-csearch_path%3D{schema_for(args.cases)}"
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(Path(folder), url)
        port = free_port()
        serve = ["--factory", "zhili.app:create_app", "--port", str(port), "--no-access-log"]
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", *serve],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}", server)
            _run(args, port, keys, cells, scopes)
        finally:
            stop(server)
    database.dispose()


def _run(args: argparse.Namespace, port: int, keys: dict[str, Any], cells: Any, scopes: Any) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    sql = psycopg.connect(
        args.database_url.replace("+psycopg", ""), options=f"-csearch_path={schema_for(args.cases)}"
    )
    sql.autocommit = True

    def get(key: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        nonlocal conn
        path = "/api/cases?" + urlencode(params, doseq=True)
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers={"X-API-Key": key})
            answer = conn.getresponse()
        except (http.client.HTTPException, OSError):  # the server closed an idle keep-alive connection
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            began = time.perf_counter()
            conn.request("GET", path, headers={"X-API-Key": key})
            answer = conn.getresponse()
        body = answer.read()
        elapsed = time.perf_counter() - began
        if answer.status != 200:
            raise SystemExit(f"{answer.status}: {body[:300]!r}")
        return elapsed, json.loads(body)

    def ask(statement: str, count: str) -> float:
        began = time.perf_counter()
        sql.execute(statement).fetchall()
        sql.execute(count).fetchone()
        return time.perf_counter() - began

    print(
        f"{'role':<11}{'query':<10}{'page':<6}{'rows':>18}  {'zhili p50/p95 ms':>17}  "
        f"{'SQL p50/p95 ms':>15}  {'ratio p50/p95':>13}"
    )
    for role, (key, _, _) in keys.items():
        for name, (params, where) in cells.items():
            _, first = get(key, {**params, "page_size": PAGE})
            total = first["total"]
            deep_row = min(args.deep, max(total - PAGE, 0))
            row = sql.execute(deep_sql(scopes[role], where, deep_row)).fetchone() if deep_row else None
            for page in ("1", "deep"):
                query = {**params, "page_size": PAGE}
                after = "true"
                if page == "deep" and row is not None:
                    query["cursor"] = encode(Cursor("-received_at", row[0], row[1]))
                    after = f"(received_at, id) < ('{row[0].isoformat()}', {row[1]})"
                web = [get(key, query)[0] for _ in range(args.repeat)]
                floor = [
                    ask(page_sql(scopes[role], where, after), count_sql(scopes[role], where))
                    for _ in range(args.repeat)
                ]
                (w50, w95), (s50, s95) = percentiles(web), percentiles(floor)
                shown = f"{'~' if first.get('total_estimated') else ''}{total:,}"
                shown += "+" if first["total_capped"] else ""
                if first.get("total_estimated"):  # and what an exact count finds, to judge the estimate
                    counted = sql.execute(count_sql(scopes[role], where)).fetchone()
                    exact = int(counted[0]) if counted else 0
                    shown += f" ({exact:,}{'+' if exact > CAP else ''})"
                label = page if page == "1" else f"{deep_row:,}+"
                print(
                    f"{role:<11}{name:<10}{label:<6}{shown:>18}  {w50 * 1000:>7.1f} / {w95 * 1000:>6.1f}  "
                    f"{s50 * 1000:>6.1f} / {s95 * 1000:>6.1f}  {w50 / s50:>5.1f} / {w95 / s95:>5.1f}",
                    flush=True,
                )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    sql.close()
    conn.close()


if __name__ == "__main__":
    main()
