"""Work-list pages (派单台, inbox, 回访): a deep keyset page against page 1 of the same section.

    .venv/bin/python bench/worklist_pages.py                    # on the 1 M cases of bench/case_list.py
    .venv/bin/python bench/worklist_pages.py --deep 5000 --repeat 20

Reads the schema ``zhili_bench_case_list_<N>`` that ``bench/case_list.py`` builds and keeps (run that
first); nothing is written. In-process (no HTTP): for each role's work-list sections, the page the
page handler reads (``cases.listing.sections.section_page``: 100 rows and the count up to 10,000) is
read ``--repeat`` times as page 1 and as the page after row ``--deep`` (or the last page when the
section is shorter), reached by its cursor; and, as the floor, the section as it was read before
paging (ORDER BY its column, LIMIT 100, no count). Prints wall-clock p50/p95 in ms and the ratio
deep/page 1 of the p50, measured in the same run; other jobs on the machine move the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhili.auth import service
from zhili.auth.models import Role, User
from zhili.cases.listing.sections import section_page
from zhili.cases.models import Case
from zhili.cases.web.paging import Section
from zhili.cases.web.queues import SECTIONS
from zhili.db import Database
from zhili.kernel.keyset import encode
from zhili.units.models import Unit

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PAGE = 100
BENCHES = {  # who: (role, unit, workbench)
    "dispatcher C11": (Role.dispatcher, "C11", "/work/dispatch"),
    "street S110105026": (Role.unit_staff, "S110105026", "/work/inbox"),
    "department D110105-urban_management": (Role.unit_staff, "D110105-urban_management", "/work/inbox"),
    "回访 operator C11": (Role.operator, "C11", "/work/visits"),
}


def _cursor_at(
    session: Session, statement: Select[Any], section: Section, row: int
) -> tuple[str | None, int]:
    """The cursor of the page after ``row`` (setup only: found with an OFFSET, not timed)."""
    ordered = statement.order_by(None).order_by(section.key.asc(), Case.id.asc())
    rows = session.execute(ordered.with_only_columns(Case.id).limit(row + 1)).all()
    at = min(row, max(len(rows) - PAGE, 0))
    if at == 0:
        return None, 0
    last = session.execute(ordered.offset(at - 1).limit(1)).scalars().one()
    return encode(section.name, getattr(last, section.key.key), last.id), at


def _times(
    session: Session, statement: Select[Any], section: Section, cursor: str | None, repeat: int
) -> list[float]:
    taken = []
    for _ in range(repeat):
        start = time.perf_counter()
        section_page(session, statement, section.key, section=section.name, size=PAGE, cursor=cursor)
        taken.append((time.perf_counter() - start) * 1000)
    return taken


def _before(session: Session, statement: Select[Any], section: Section, repeat: int) -> list[float]:
    """The floor: the section as it was read before paging (ORDER BY its column, LIMIT 100, no count)."""
    taken = []
    for _ in range(repeat):
        start = time.perf_counter()
        session.execute(statement.order_by(None).order_by(section.key).limit(PAGE)).scalars().all()
        taken.append((time.perf_counter() - start) * 1000)
    return taken


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--deep", type=int, default=5_000)
    parser.add_argument("--database-url", default=os.environ.get("ZHILI_BENCH_PG_URL", PG_DEFAULT))
    args = parser.parse_args()
    schema = f"zhili_bench_case_list_{args.cases}"
    database = Database(f"{args.database_url}?options=-csearch_path%3D{schema}")
    print(f"schema {schema}; load average {os.getloadavg()}; page {PAGE}; deep row {args.deep}")
    heads = ("total", "at", "p50 old", "p50 1", "p95 1", "p50 deep", "p95 deep", "deep/1")
    print(f"{'who':38} {'section':10} " + " ".join(f"{h:>8}" for h in heads))
    with database.session() as session:
        session.connection().exec_driver_sql("SET TRANSACTION READ ONLY")
        for who, (role, unit_code, bench) in BENCHES.items():
            unit = session.scalars(select(Unit).where(Unit.code == unit_code)).one()
            actor = service.actor_for(session, User(id=None, username="bench", role=role, unit_id=unit.id))
            for section in SECTIONS[bench]:
                statement = section.select(actor, "")
                cursor, at = _cursor_at(session, statement, section, args.deep)
                before = _before(session, statement, section, args.repeat)
                first = _times(session, statement, section, None, args.repeat)
                deep = _times(session, statement, section, cursor, args.repeat)
                total = section_page(
                    session, statement, section.key, section=section.name, size=1, cursor=None
                )
                shown = f"{total.total}{'+' if total.capped else ''}"
                p50, p50_deep = statistics.median(first), statistics.median(deep)
                cells = (
                    statistics.median(before),
                    p50,
                    _p(first, 0.95),
                    p50_deep,
                    _p(deep, 0.95),
                    p50_deep / p50,
                )
                print(
                    f"{who:38} {section.name:10} {shown:>8} {at:>8} " + " ".join(f"{c:8.2f}" for c in cells)
                )
    print(f"load average after {os.getloadavg()}")
    database.dispose()


if __name__ == "__main__":
    main()
