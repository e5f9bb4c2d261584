"""Pre-aggregated rollups of ``cases``, so that dashboard views over tens of millions of rows answer in
well under a second on a small machine.

Each rollup groups one month's cases by a few low-cardinality columns and keeps additive measures
(counts and sums, and a histogram of handling hours for an approximate median). They are rebuilt per
month from that month's case files, by the sync (for the months it touched) and by the generator, so
they are always exactly the aggregate of the current case rows. A view uses the first rollup that has
every column it groups or filters by, at a time grain its date filter fits; otherwise it reads
``cases`` itself (same answer, slower).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import duckdb

from zhili.analytics.filters import Reach, ViewFilter
from zhili.analytics.store import Store

# Upper edges (hours) of the handling-time histogram; the last bucket is open.
HOUR_EDGES = (4, 12, 24, 48, 72, 120, 168, 240, 360)
CELL_RESOLUTION = 8


@dataclass(frozen=True)
class Rollup:
    name: str
    columns: tuple[str, ...]  # grouping columns (besides the month)
    daily: bool  # keeps local_date
    extra: str = ""  # further per-group columns (not additive; see the view that reads them)

    @property
    def table(self) -> str:
        return f"rollup_{self.name}"


ROLLUPS = (
    Rollup("daily", ("district_code", "category_l1", "category_code"), daily=True),
    Rollup("streets", ("district_code", "street_code", "category_l1", "category_code"), daily=False),
    Rollup(
        "kinds",
        ("district_code", "category_l1", "category_code", "demand_type", "channel", "state"),
        daily=False,
    ),
    Rollup("keywords", ("district_code", "category_l1", "category_code", "keyword"), daily=False),
    Rollup("cells", ("district_code", "cell8"), daily=False),
    # One row per address and month (the community, street and district follow from the address).
    Rollup(
        "addresses",
        ("district_code", "street_code", "community_code", "address_key"),
        daily=False,
        extra="min(local_date) AS first_date, max(local_date) AS last_date, "
        "mode(category_code) AS top_category, count(DISTINCT category_code) AS categories,",
    ),
)

_HISTOGRAM_SQL = ", ".join(
    f"sum((handle_hours >= {lo} AND handle_hours < {hi})::INTEGER) AS h{i}"
    for i, (lo, hi) in enumerate(zip((0, *HOUR_EDGES), (*HOUR_EDGES, 1e9), strict=True))
)
_MEASURES = f"""
    count(*) AS n,
    count(closed_at) AS closed,
    count(handle_hours) AS handle_n,
    sum(handle_hours)::DOUBLE AS handle_sum,
    sum(overdue::INTEGER) AS overdue,
    count(visit_solved) AS solved_n,
    sum(visit_solved::INTEGER) AS solved,
    count(satisfaction) AS satisfaction_n,
    sum((satisfaction IN ('satisfied', 'basically_satisfied'))::INTEGER) AS satisfied,
    count(sentiment) AS sentiment_n,
    sum(sentiment)::DOUBLE AS sentiment_sum,
    sum((sentiment < -0.2)::INTEGER) AS negative,
    {_HISTOGRAM_SQL}
"""
HISTOGRAM = tuple(f"h{i}" for i in range(len(HOUR_EDGES) + 1))


def _cell8() -> str:
    low = (1 << (3 * (15 - CELL_RESOLUTION))) - 1
    parent = f"((h3_cell & ~(15::BIGINT << 52)) | ({CELL_RESOLUTION}::BIGINT << 52) | {low}::BIGINT)"
    return f"CASE WHEN h3_cell IS NULL THEN NULL ELSE {parent} END"


def rebuild(store: Store, months: list[str] | set[str]) -> None:
    """Recompute every rollup for ``months`` from the case files (removes it when a month is empty)."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    try:
        for month in sorted(months):
            files = store.files("cases", month)
            for rollup in ROLLUPS:
                folder = store.month_dir(rollup.table, month)
                target = folder / "part-0.parquet"
                if not files:
                    target.unlink(missing_ok=True)
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
                columns = [c if c != "cell8" else f"{_cell8()} AS cell8" for c in rollup.columns]
                keys = (["local_date"] if rollup.daily else []) + columns
                temporary = folder / ".part-0.parquet.tmp"
                quoted = str(temporary).replace("'", "''")
                con.execute(
                    f"COPY (SELECT {', '.join(keys)}, {rollup.extra} {_MEASURES} "
                    f"FROM read_parquet([{listing}]) GROUP BY ALL) "
                    f"TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)"
                )
                os.replace(temporary, target)
    finally:
        con.close()


def _month_aligned(f: ViewFilter) -> bool:
    start_ok = f.date_from is None or f.date_from.day == 1
    end_ok = f.date_to is None or (f.date_to + timedelta(days=1)).day == 1
    return start_ok and end_ok


def choose(
    store: Store, needed: set[str], f: ViewFilter, reach: Reach, *, daily: bool = False
) -> Rollup | None:
    """The rollup that can answer a view grouping or filtering by ``needed`` columns, if any."""
    if f.community:
        return None
    needed = set(needed) | {column for column, _ in f.equalities()}
    if f.category:
        needed.add("category_code")
    if not reach.everything:
        if not reach.division_codes or any(len(c) not in (2, 6, 9) for c in reach.division_codes):
            return None
        needed |= {"district_code"} | (
            {"street_code"} if any(len(c) == 9 for c in reach.division_codes) else set()
        )
    wants_days = daily or not _month_aligned(f)
    for rollup in ROLLUPS:
        if wants_days and not rollup.daily:
            continue
        if needed <= set(rollup.columns) and store.has_data(rollup.table):
            return rollup
    return None


def reach_clause(reach: Reach) -> tuple[str, list[object]]:
    """The actor's reach on a rollup (only division codes of city, district or street length)."""
    if reach.everything:
        return "TRUE", []
    parts: list[str] = []
    params: list[object] = []
    for code in sorted(reach.division_codes):
        if len(code) == 2:
            parts.append("starts_with(district_code, ?)")
        elif len(code) == 6:
            parts.append("district_code = ?")
        else:
            parts.append("street_code = ?")
        params.append(code)
    return "(" + " OR ".join(parts) + ")", params


def median_from(histogram: list[int]) -> float | None:
    """Approximate median from the bucket counts, interpolating inside the median bucket."""
    total = sum(histogram)
    if total == 0:
        return None
    half, seen = total / 2, 0
    lows = (0, *HOUR_EDGES)
    highs = (*HOUR_EDGES, HOUR_EDGES[-1] * 2)
    for count, lo, hi in zip(histogram, lows, highs, strict=True):
        if seen + count >= half and count:
            return lo + (hi - lo) * (half - seen) / count
        seen += count
    return None
