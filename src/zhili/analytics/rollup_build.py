"""Building the rollups of ``rollups.ROLLUPS`` for some months, from the case files.

A month's cases are read once into a temporary table (only the columns rollups use, with the week, the
H3 cell at resolution 9 and the handling-time bucket computed once); the finest rollups group it, and
each coarser one (``parent``) groups its parent's rows again, adding up the measures, which is exact
because they are counts and sums. Every file is written under a temporary name and renamed into place.
"""

from __future__ import annotations

import os

import duckdb

from zhili.analytics.rollups import (
    BY_NAME,
    FINE_RESOLUTION,
    HISTOGRAM,
    HOUR_EDGES,
    ROLLUPS,
    Rollup,
    cell_sql,
)
from zhili.analytics.store import Store

_BUCKET = (
    "CASE WHEN handle_hours IS NULL OR handle_hours < 0 OR handle_hours >= 1e9 THEN NULL "
    + " ".join(f"WHEN handle_hours < {edge} THEN {i}" for i, edge in enumerate(HOUR_EDGES))
    + f" ELSE {len(HOUR_EDGES)} END"
)
_INPUT = f"""
    local_date, date_trunc('week', local_date)::DATE AS week, district_code, street_code, community_code,
    category_l1, category_code, demand_type, channel, state, keyword,
    {cell_sql(FINE_RESOLUTION)} AS cell9, address_key, closed_at, handle_hours, ({_BUCKET}) AS bucket,
    overdue, visit_solved, satisfaction, sentiment"""
_FROM_CASES = ", ".join(
    [
        "count(*)::BIGINT AS n",
        "count(closed_at)::BIGINT AS closed",
        "count(handle_hours)::BIGINT AS handle_n",
        "sum(handle_hours)::DOUBLE AS handle_sum",
        "count_if(overdue)::BIGINT AS overdue",
        "count(visit_solved)::BIGINT AS solved_n",
        "count_if(visit_solved)::BIGINT AS solved",
        "count(satisfaction)::BIGINT AS satisfaction_n",
        "count_if(satisfaction IN ('satisfied', 'basically_satisfied'))::BIGINT AS satisfied",
        "count(sentiment)::BIGINT AS sentiment_n",
        "sum(sentiment)::DOUBLE AS sentiment_sum",
        "count_if(sentiment < -0.2)::BIGINT AS negative",
        *(f"count_if(bucket = {i})::BIGINT AS {h}" for i, h in enumerate(HISTOGRAM)),
    ]
)
_SUMS = ("n", "closed", "handle_n", "overdue", "solved_n", "solved", "satisfaction_n", "satisfied")
_FROM_PARENT = ", ".join(
    [
        *(f"sum({m})::BIGINT AS {m}" for m in _SUMS[:3]),
        "sum(handle_sum)::DOUBLE AS handle_sum",
        *(f"sum({m})::BIGINT AS {m}" for m in _SUMS[3:]),
        "sum(sentiment_n)::BIGINT AS sentiment_n",
        "sum(sentiment_sum)::DOUBLE AS sentiment_sum",
        "sum(negative)::BIGINT AS negative",
        *(f"sum({h})::BIGINT AS {h}" for h in HISTOGRAM),
    ]
)
# Key columns computed from a parent's columns.
_FROM_PARENT_KEYS = {"cell8": f"{cell_sql(8, 'cell9')} AS cell8"}


def _select(rollup: Rollup) -> str:
    derived = rollup.parent is not None
    keys = [_FROM_PARENT_KEYS.get(c, c) if derived else c for c in rollup.columns]
    measures = (_FROM_PARENT if derived else _FROM_CASES) if rollup.measures else ""
    parts = [*(["local_date"] if rollup.daily else []), *keys, rollup.extra, measures]
    source = f"rollup_{rollup.parent}" if derived else "month_cases"
    return f"SELECT {', '.join(p for p in parts if p)} FROM {source} GROUP BY ALL"


def _depth(rollup: Rollup) -> int:
    return 0 if rollup.parent is None else 1 + _depth(BY_NAME[rollup.parent])


# Those built from the cases first, then each after the one it is built from.
_BUILD_ORDER = sorted(ROLLUPS, key=_depth)


def _quoted(path: object) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def rebuild(store: Store, months: list[str] | set[str]) -> None:
    """Recompute every rollup for ``months`` from the case files (removes it when a month is empty)."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        for month in sorted(months):
            files = store.files("cases", month)
            if not files:
                for rollup in ROLLUPS:
                    (store.month_dir(rollup.table, month) / "part-0.parquet").unlink(missing_ok=True)
                continue
            listing = ", ".join(_quoted(p) for p in files)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE month_cases AS SELECT {_INPUT} FROM read_parquet([{listing}])"
            )
            for rollup in _BUILD_ORDER:
                con.execute(f"CREATE OR REPLACE TEMP TABLE {rollup.table} AS {_select(rollup)}")
                folder = store.month_dir(rollup.table, month)
                folder.mkdir(parents=True, exist_ok=True)
                temporary = folder / ".part-0.parquet.tmp"
                order = f" ORDER BY {rollup.order}" if rollup.order else ""
                con.execute(
                    f"COPY (SELECT * FROM {rollup.table}{order}) TO {_quoted(temporary)} "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {rollup.row_group})"
                )
                os.replace(temporary, folder / "part-0.parquet")
            for rollup in ROLLUPS:
                con.execute(f"DROP TABLE {rollup.table}")
    finally:
        con.close()
