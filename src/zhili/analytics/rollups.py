"""Pre-aggregated rollups of ``cases``, so that dashboard views over tens of millions of rows answer in
well under a second on a small machine.

Each rollup groups one month's cases by a few low-cardinality columns and keeps additive measures
(counts and sums, and a histogram of handling hours for an approximate median). They are rebuilt per
month from that month's case files (``rollup_build``), by the sync (for the months it touched) and by
the generator, so they are always exactly the aggregate of the current case rows. A view uses the
first rollup that has every column it groups or filters by, at a time grain its date filter fits;
otherwise it reads ``cases`` itself (same answer, slower).

The district-level rollups come first, so a city or district user reads the smallest table; the
street-level ones (``street_*``) answer a street office's reach and street filters; ``communities``
answers communities (and recurring problems, by its list of weeks); ``street_days`` is not a general
rollup: one row per street × category × month with the 31 daily counts side by side, the shape of the
early-warning cube. No rollup holds anything about a person: the finest keys are a community, an H3
cell of about 0.1 km² and an address token (already in ``cases``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from zhili.analytics.filters import Reach, ViewFilter
from zhili.analytics.store import Store

# Upper edges (hours) of the handling-time histogram; the last bucket is open.
HOUR_EDGES = (4, 12, 24, 48, 72, 120, 168, 240, 360)
HISTOGRAM = tuple(f"h{i}" for i in range(len(HOUR_EDGES) + 1))
CELL_RESOLUTION = 8  # cell8: the coarse maps (resolution 0–8) group its parents
FINE_RESOLUTION = 9  # cell9: the finest map the dashboard page offers
DAY_COLUMNS = tuple(f"d{day}" for day in range(1, 32))  # street_days: counts of days 1–31


@dataclass(frozen=True)
class Rollup:
    name: str
    columns: tuple[str, ...]  # grouping columns (besides the month)
    daily: bool  # keeps local_date
    extra: str = ""  # further per-group columns (not additive; see the view that reads them)
    measures: bool = True  # the additive measures (n, closed, … and the histogram)
    general: bool = True  # chosen by ``choose`` for any view it covers
    order: str = ""  # rows sorted so a filter on these columns skips row groups
    row_group: int = 122_880
    parent: str | None = None  # built from this finer rollup instead of from the cases

    @property
    def table(self) -> str:
        return f"rollup_{self.name}"


AREA = ("district_code", "street_code")
CATEGORY = ("category_l1", "category_code")
KINDS = ("demand_type", "channel", "state")
_DAY_COUNTS = ", ".join(
    f"coalesce(sum(n) FILTER (WHERE day(local_date) = {d}), 0)::INTEGER AS d{d}" for d in range(1, 32)
)

ROLLUPS = (
    # A month of the city in ~1,300 rows: what most city and district views group.
    Rollup("districts", ("district_code", *CATEGORY), daily=False, parent="streets"),
    Rollup("daily", ("district_code", *CATEGORY), daily=True, parent="street_daily"),
    Rollup("streets", (*AREA, *CATEGORY), daily=False, parent="street_kinds"),
    Rollup("kinds", ("district_code", *CATEGORY, *KINDS), daily=False, parent="street_kinds"),
    Rollup("keywords", ("district_code", *CATEGORY, "keyword"), daily=False, parent="street_keywords"),
    Rollup("cells", (*AREA, "cell8"), daily=False, order="street_code", parent="cells9"),
    # The city's cells at resolution 9, one row per cell and month, most demands first: a month's map
    # is then its first rows, with nothing to group (views.hex_cells).
    Rollup(
        "city_cells9",
        ("cell9",),
        daily=False,
        extra="sum(n)::BIGINT AS n",
        measures=False,
        order="n DESC, cell9",
        parent="cells9",
    ),
    Rollup("cells9", (*AREA, "cell9"), daily=False, order="street_code"),
    Rollup("street_daily", (*AREA, *CATEGORY), daily=True, order="street_code, local_date"),
    Rollup("street_kinds", (*AREA, *CATEGORY, *KINDS), daily=False, order="street_code"),
    Rollup("street_keywords", (*AREA, *CATEGORY, "keyword"), daily=False, order="street_code"),
    # One row per community × category and month, with the weeks it had demands in (recurring
    # problems), sorted by their number so that a one-month question skips the rare-problem rows.
    # (Row groups stay large: DuckDB dictionary-encodes a column only when a row group repeats its
    # values, and reads a dictionary-encoded code column several times faster.)
    Rollup(
        "communities",
        (*AREA, "community_code", *CATEGORY),
        daily=False,
        extra="list(DISTINCT week ORDER BY week) AS weeks, count(DISTINCT week) AS n_weeks",
        order="n_weeks DESC, community_code",
    ),
    # One row per address and month (the community, street and district follow from the address).
    Rollup(
        "addresses",
        ("district_code", "street_code", "community_code", "address_key"),
        daily=False,
        extra="min(local_date) AS first_date, max(local_date) AS last_date, "
        "mode(category_code) AS top_category, count(DISTINCT category_code) AS categories",
    ),
    Rollup(
        "street_days",
        (*AREA, *CATEGORY),
        daily=False,
        extra=_DAY_COUNTS,
        measures=False,
        general=False,
        parent="street_daily",
    ),
)
BY_NAME = {rollup.name: rollup for rollup in ROLLUPS}


def cell_sql(resolution: int, column: str = "h3_cell") -> str:
    """The H3 cell's parent at ``resolution``; a cell already as coarse stays itself (so a store kept at
    a coarser resolution groups and filters exactly as over ``cases``)."""
    low = (1 << (3 * (15 - resolution))) - 1
    parent = f"(({column} & ~(15::BIGINT << 52)) | ({resolution}::BIGINT << 52) | {low}::BIGINT)"
    return f"CASE WHEN (({column} >> 52) & 15) > {resolution} THEN {parent} ELSE {column} END"


def _month_aligned(f: ViewFilter) -> bool:
    start_ok = f.date_from is None or f.date_from.day == 1
    end_ok = f.date_to is None or (f.date_to + timedelta(days=1)).day == 1
    return start_ok and end_ok


def reach_columns(reach: Reach) -> set[str] | None:
    """The rollup columns an actor's reach filters on, or None when a rollup cannot express it (a
    department's lead-unit reach, or a division code of no known level)."""
    if reach.everything:
        return set()
    if not reach.division_codes or any(len(c) not in _REACH_COLUMN for c in reach.division_codes):
        return None
    return {_REACH_COLUMN[len(c)] for c in reach.division_codes}


def choose(
    store: Store, needed: set[str], f: ViewFilter, reach: Reach, *, daily: bool = False
) -> Rollup | None:
    """The rollup that can answer a view grouping or filtering by ``needed`` columns, if any."""
    by_reach = reach_columns(reach)
    if by_reach is None:
        return None
    needed = set(needed) | by_reach | {column for column, _ in f.equalities()}
    if f.category:
        needed.add("category_code")
    wants_days = daily or not _month_aligned(f)
    for rollup in ROLLUPS:
        if not rollup.general or (wants_days and not rollup.daily):
            continue
        if needed <= set(rollup.columns) and store.has_data(rollup.table):
            return rollup
    return None


# The column of a rollup that a division code of each length names (city prefix, district, street,
# community).
_REACH_COLUMN = {2: "district_code", 6: "district_code", 9: "street_code", 12: "community_code"}


def reach_clause(reach: Reach) -> tuple[str, list[object]]:
    """The actor's reach on a rollup (only division codes of city, district, street or community length)."""
    if reach.everything:
        return "TRUE", []
    parts: list[str] = []
    params: list[object] = []
    for code in sorted(reach.division_codes):
        column = _REACH_COLUMN[len(code)]
        parts.append(f"starts_with({column}, ?)" if len(code) == 2 else f"{column} = ?")
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
