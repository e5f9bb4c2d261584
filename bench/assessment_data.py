"""A synthetic month for the assessment benchmark: ~1.8 million cases over every unit, loaded in bulk.

Rows go straight into the tables (COPY on PostgreSQL, executemany on SQLite) of a dedicated database
built with the migrations and the Beijing reference data; nothing here touches a test or a real
database. The month is October 2026 (Beijing time); every unit gets its own quality so that the
league tables have a spread.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from zhili.units.models import Unit, UnitKind

MONTH_START = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)  # 2026-10-01 00:00 in Beijing
MONTH_SECONDS = 31 * 86400
TITLES = (
    "小区楼下噪音扰民",
    "道路破损需修补",
    "暖气不热",
    "垃圾清运不及时",
    "路灯不亮",
    "违章停车堵塞消防通道",
)
DESCRIPTION = "市民反映{}，已持续一段时间，影响居民正常生活，希望有关部门尽快核实处理并答复。"

CASE_COLUMNS = [
    "id",
    "code",
    "demand_type",
    "urgency",
    "channel",
    "title",
    "description",
    "division_code",
    "district_code",
    "street_code",
    "confidential",
    "state",
    "version",
    "lead_unit_id",
    "complex_case",
    "forced_assignment",
    "received_at",
    "dispatched_at",
    "signed_at",
    "contacted_at",
    "reported_at",
    "visited_at",
    "closed_at",
    "updated_at",
    "contact_due",
    "extended",
    "warning",
    "overdue",
    "return_count",
    "reopen_count",
    "visit_attempts",
    "visit_contacted",
    "visit_solved",
    "satisfaction",
    "closure_kind",
    "merged_into_id",
    "created_by",
]
ASSIGNMENT_COLUMNS = [
    "id",
    "case_id",
    "unit_id",
    "role",
    "status",
    "assigned_at",
    "case_received_at",
    "checkin_due",
    "checked_in_at",
    "reported_at",
]
APPEAL_COLUMNS = [
    "id",
    "case_id",
    "unit_id",
    "status",
    "reason",
    "evidence",
    "created_by",
    "created_at",
    "decided_by",
    "decided_at",
]


@dataclass
class Lead:
    id: int
    division: str
    quality: float  # chance that a case goes well


def _leads(session: Session, rng: random.Random) -> tuple[list[Lead], list[float], list[int]]:
    """Units that lead cases, their weights (streets carry most), and the departments called in to help."""
    rows = session.execute(
        select(Unit.id, Unit.kind, Unit.division_code).where(Unit.kind != UnitKind.hotline_centre)
    )
    share = {
        UnitKind.street: 0.70,
        UnitKind.district_dept: 0.18,
        UnitKind.district_gov: 0.02,
        UnitKind.city_dept: 0.07,
        UnitKind.enterprise: 0.03,
    }
    by_kind: dict[UnitKind, list[tuple[int, str]]] = {}
    for unit_id, kind, division in rows:
        by_kind.setdefault(kind, []).append((unit_id, division))
    leads, weights = [], []
    for kind, units in by_kind.items():
        raw = [rng.lognormvariate(0, 0.6) for _ in units]
        total = sum(raw)
        for (unit_id, division), w in zip(units, raw, strict=True):
            leads.append(Lead(unit_id, division, rng.uniform(0.72, 0.98)))
            weights.append(share.get(kind, 0) * w / total)
    co_units = [unit_id for unit_id, _ in by_kind.get(UnitKind.district_dept, [])]
    return leads, weights, co_units


@dataclass
class Month:
    cases: list[tuple[Any, ...]]
    assignments: list[tuple[Any, ...]]
    appeals: list[tuple[Any, ...]]


def generate(session: Session, n: int, seed: int = 20261001) -> Month:
    rng = random.Random(seed)
    leads, weights, co_units = _leads(session, rng)
    chosen = rng.choices(leads, weights=weights, k=n)
    cases: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    appeals: list[tuple[Any, ...]] = []
    last_closed = 0
    for i, lead in enumerate(chosen, start=1):
        closed = MONTH_START + timedelta(seconds=rng.randrange(MONTH_SECONDS))
        received = closed - timedelta(hours=rng.uniform(20, 160))
        dispatched = received + timedelta(minutes=10)
        due = dispatched + timedelta(hours=24)
        good = rng.random() < lead.quality
        contacted = dispatched + timedelta(
            hours=rng.uniform(1, 20) if rng.random() < lead.quality + 0.05 else rng.uniform(25, 40)
        )
        roll = rng.random()
        kind: str | None = "handled"
        state = "closed"
        unit_id: int | None = lead.id
        merged_into: int | None = None
        if roll < 0.02:
            kind, unit_id = "direct", None
        elif roll < 0.03 and last_closed:
            kind, state, unit_id, merged_into = None, "merged", None, last_closed
        elif roll < 0.07:
            kind, state = None, "reported"
        elif roll < 0.10:
            kind = "unreachable"
        solved, satisfaction = None, None
        if kind == "handled":  # only a 回访 that reached the citizen has answers
            solved = good or rng.random() < 0.3
            answers = ("satisfied", "basically_satisfied", "unsatisfied")
            satisfaction = rng.choices(answers, (0.8, 0.12, 0.08) if good else (0.1, 0.4, 0.5))[0]
        is_closed = state == "closed"
        handled = unit_id is not None
        cases.append(
            (
                i,
                f"BM{i:014d}",
                "consultation" if kind == "direct" else "complaint",
                "ordinary",
                "phone",
                TITLES[i % len(TITLES)],
                DESCRIPTION.format(TITLES[i % len(TITLES)]),
                lead.division,
                lead.division[:6],
                lead.division if len(lead.division) == 9 else None,
                False,
                state,
                6,
                unit_id,
                False,
                False,
                received,
                dispatched if handled else None,
                dispatched + timedelta(minutes=30) if handled else None,
                contacted if handled else None,
                closed - timedelta(hours=2) if handled else None,
                closed if handled and is_closed else None,
                closed if is_closed else None,
                closed,
                due if handled else None,
                False,
                False,
                False,
                0,
                1 if handled and rng.random() < 0.05 else 0,
                1 if handled and is_closed else 0,
                (kind != "unreachable") if handled and is_closed else None,
                solved if is_closed else None,
                satisfaction if is_closed else None,
                kind if is_closed else None,
                merged_into,
                "bench",
            )
        )
        if kind == "handled":
            last_closed = i
        if handled:
            assignments.append(
                (
                    len(assignments) + 1,
                    i,
                    unit_id,
                    "lead",
                    "reported",
                    dispatched,
                    received,
                    None,
                    dispatched + timedelta(minutes=30),
                    closed - timedelta(hours=2),
                )
            )
            if rng.random() < 0.05:
                co = rng.choice(co_units)
                checkin_due = dispatched + timedelta(hours=2)
                late = rng.random() < 0.1
                assignments.append(
                    (
                        len(assignments) + 1,
                        i,
                        co,
                        "co",
                        "reported",
                        dispatched,
                        received,
                        checkin_due,
                        checkin_due + timedelta(minutes=60 if late else -30),
                        closed - timedelta(hours=3),
                    )
                )
            if is_closed and kind == "handled" and rng.random() < 0.0015:
                status = rng.choices(("approved", "pending", "rejected"), (0.6, 0.2, 0.2))[0]
                decided = status != "pending"
                appeals.append(
                    (
                        len(appeals) + 1,
                        i,
                        unit_id,
                        status,
                        "诉求超出政策范围",
                        "政策文件说明",
                        "bench",
                        closed,
                        "bench" if decided else None,
                        closed + timedelta(days=2) if decided else None,
                    )
                )
    return Month(cases, assignments, appeals)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLAlchemy's SQLite storage format for DATETIME (UTC, naive).
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _sqlite_rows(rows: Sequence[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(_sqlite_value(v) for v in row)


TABLES = ("cases", "case_assignments", "assessment_appeals")


def _tables(month: Month) -> tuple[tuple[str, list[str], list[tuple[Any, ...]]], ...]:
    return (
        ("cases", CASE_COLUMNS, month.cases),
        ("case_assignments", ASSIGNMENT_COLUMNS, month.assignments),
        ("assessment_appeals", APPEAL_COLUMNS, month.appeals),
    )


def load_sqlite(path: str, month: Month) -> None:
    """executemany with the secondary indexes dropped first and rebuilt after (a one-off bulk load)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # a one-off load into a scratch file: no WAL copy of it
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    marks = ", ".join("?" for _ in TABLES)
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master "
        f"WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        TABLES,
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    for table, columns, rows in _tables(month):
        values = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})", _sqlite_rows(rows))
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def load_postgresql(session: Session, month: Month) -> None:
    """COPY with the secondary indexes dropped first and rebuilt after, foreign-key triggers off."""
    indexes = session.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:tables) AND indexname LIKE 'ix_%'"
        ),
        {"tables": list(TABLES)},
    ).all()
    for name, _ in indexes:
        session.execute(text(f"DROP INDEX {name}"))
    session.execute(text("SET session_replication_role = replica"))
    driver: Any = session.connection().connection.driver_connection
    for table, columns, rows in _tables(month):
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    session.execute(text("SET session_replication_role = DEFAULT"))
    session.execute(text("SET maintenance_work_mem = '512MB'"))
    for _, definition in indexes:
        session.execute(text(definition))
    session.commit()
