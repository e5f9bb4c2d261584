"""未诉先办 warnings from the store: the daily street × category cube, the detector, forecasts and
recurring communities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from zhili.analytics import detect, forecast, rollups, warning_cache
from zhili.analytics.engine import Engine
from zhili.analytics.filters import Reach, ViewFilter, Where, where_for
from zhili.analytics.labels import Labels
from zhili.analytics.views import source
from zhili.kernel import months

_DAYS = rollups.BY_NAME["street_days"]
COMMUNITIES = rollups.BY_NAME["communities"]


@dataclass
class Cube:
    """Daily counts ``y[cell, day]``; cell = (area, category)."""

    areas: list[str]
    categories: list[str]
    cell_area: NDArray[np.int64]
    cell_category: NDArray[np.int64]
    first_day: date
    y: NDArray[np.float64]

    def day_index(self, day: date) -> int:
        return (day - self.first_day).days


def cube(engine: Engine, scope: Reach, start: date, end: date, area: str = "street_code") -> Cube:
    if area == "street_code":
        from_days = _street_days(engine, scope, start, end)
        if from_days is not None:
            return from_days
    src = source(engine, scope, ViewFilter(date_from=start, date_to=end), {area, "category_code"}, daily=True)
    count = "sum(n)" if src.rollup else "count(*)"
    cursor = engine.cursor(src.table)
    try:
        # DuckDB numbers the cells (dense_rank) and the days, so Python handles integers only.
        table = cursor.execute(
            f"""WITH t AS (
                    SELECT {area} AS area, category_code AS category, local_date, {count}::DOUBLE AS n
                    FROM {src.table}
                    WHERE {src.where.sql} AND {area} IS NOT NULL AND category_code IS NOT NULL
                    GROUP BY ALL)
                SELECT area, category, (local_date - ?::DATE)::BIGINT AS day, n,
                       (dense_rank() OVER (ORDER BY area, category) - 1)::BIGINT AS cell
                FROM t""",
            [*src.where.params, start],
        ).to_arrow_table()
    finally:
        cursor.close()
    cell_of_row = table.column("cell").to_numpy()
    n_cells = int(cell_of_row.max()) + 1 if len(cell_of_row) else 0
    y = np.zeros((n_cells, (end - start).days + 1))
    np.add.at(y, (cell_of_row, table.column("day").to_numpy()), table.column("n").to_numpy())
    return _cube(table, cell_of_row, start, y)


def _cube(table: pa.Table, cell_of_row: NDArray[np.int64], start: date, y: NDArray[np.float64]) -> Cube:
    """The cube of ``y``, its cells named by the area and category of their first row in ``table``."""
    _, first_rows = np.unique(cell_of_row, return_index=True)
    cell_areas = table.column("area").take(first_rows).to_pylist()
    cell_categories = table.column("category").take(first_rows).to_pylist()
    areas = sorted(set(cell_areas))
    categories = sorted(set(cell_categories))
    area_index = {a: i for i, a in enumerate(areas)}
    category_index = {c: i for i, c in enumerate(categories)}
    return Cube(
        areas,
        categories,
        np.array([area_index[a] for a in cell_areas], dtype=np.int64),
        np.array([category_index[c] for c in cell_categories], dtype=np.int64),
        start,
        y,
    )


def _street_days(engine: Engine, scope: Reach, start: date, end: date) -> Cube | None:
    """The street × category cube from ``rollup_street_days`` (a row per street × category × month
    with its 31 daily counts): the same cube as from the cases, reading a row per month, not per case."""
    by_reach = rollups.reach_columns(scope)
    if by_reach is None or not by_reach <= set(_DAYS.columns) or not engine.store.has_data(_DAYS.table):
        return None
    where = Where()
    clause, params = rollups.reach_clause(scope)
    where.add(clause, *params)
    where.add("month >= ?", f"{start:%Y-%m}")
    where.add("month <= ?", f"{end:%Y-%m}")
    cursor = engine.cursor(_DAYS.table)
    try:
        table = cursor.execute(
            f"""SELECT street_code AS area, category_code AS category,
                       (strptime(month || '-01', '%Y-%m-%d')::DATE - ?::DATE)::BIGINT AS offset,
                       day(last_day(strptime(month || '-01', '%Y-%m-%d')::DATE))::BIGINT AS length,
                       hash(street_code, category_code) AS key, {", ".join(rollups.DAY_COLUMNS)}
                FROM {_DAYS.table}
                WHERE {where.sql} AND street_code IS NOT NULL AND category_code IS NOT NULL
                ORDER BY street_code, category_code""",
            [start, *where.params],
        ).to_arrow_table()
    finally:
        cursor.close()
    days = (end - start).days + 1
    # Rows come sorted by street and category, as the cases' dense_rank numbers the cells.
    key = table.column("key").to_numpy()
    first = np.ones(len(table), dtype=bool)
    first[1:] = key[1:] != key[:-1]  # rows of one cell are adjacent; a new key starts a new cell
    cell_of_row = np.cumsum(first) - 1
    n_cells = int(cell_of_row[-1]) + 1 if len(table) else 0
    y = np.zeros((n_cells, days))
    offsets = table.column("offset").to_numpy()
    lengths = table.column("length").to_numpy()
    for offset in np.unique(offsets):  # a month at a time: its rows share the offset and length
        rows = np.flatnonzero(offsets == offset)
        # Columns of this month inside [start, end]; d29–d31 of a shorter month are not days.
        first_column, last_column = max(0, -int(offset)), min(int(lengths[rows[0]]), days - int(offset))
        if last_column <= first_column:
            continue
        block = np.column_stack(
            [table.column(c).to_numpy()[rows] for c in rollups.DAY_COLUMNS[first_column:last_column]]
        )
        # A cell has one row per month, so each (cell, day) is set once.
        y[cell_of_row[rows], offset + first_column : offset + last_column] = block
    # A cell with demand in its months but none between start and end is not in the cases' cube.
    kept = np.flatnonzero(y.sum(axis=1) > 0)
    renumber = np.full(n_cells, -1, dtype=np.int64)
    renumber[kept] = np.arange(len(kept))
    in_range = renumber[cell_of_row] >= 0
    table = table.select(["area", "category"]).filter(pa.array(in_range))
    return _cube(table, renumber[cell_of_row][in_range], start, y[kept])


def early_warnings(
    engine: Engine,
    labels: Labels,
    scope: Reach,
    as_of: date,
    config: detect.DetectorConfig = detect.DetectorConfig(),
    *,
    kept: bool = True,
) -> list[dict[str, Any]]:
    """The spikes of street × category on ``as_of`` (the window ending that day), strongest first.

    ``kept``: read a city's or district's day from ``warning_cache`` while its rollup months are
    unchanged (computed and kept on first ask); ``False`` runs the detector whatever is kept."""
    start = as_of - timedelta(days=config.window * 2 + config.history + 2)

    def compute() -> list[dict[str, Any]]:
        return _alarms(engine, scope, start, as_of, config)

    alarms = warning_cache.kept(engine.store, scope, start, as_of, config, compute) if kept else compute()
    street_name = labels.names("street", (a["street"] for a in alarms))
    category_name = labels.names("category", (a["category"] for a in alarms))
    window_start = (as_of - timedelta(days=config.window - 1)).isoformat()
    return [
        {
            "street": a["street"],
            "street_label": street_name(a["street"]),
            "district": a["street"][:6],
            "category": a["category"],
            "category_label": category_name(a["category"]),
            "window_start": window_start,
            "window_end": as_of.isoformat(),
            "observed": a["observed"],
            "expected": a["expected"],
            "p_value": a["p_value"],
            "q_value": a["q_value"],
        }
        for a in alarms
    ]


def _alarms(
    engine: Engine, scope: Reach, start: date, as_of: date, config: detect.DetectorConfig
) -> list[dict[str, Any]]:
    """The detector's alarms of the day as plain values (street and category codes), strongest first."""
    c = cube(engine, scope, start, as_of)
    if len(c.y) == 0:
        return []
    alarms = detect.detect_day(c.y, c.cell_category, c.day_index(as_of), config)
    return [
        {
            "street": c.areas[c.cell_area[a.cell]],
            "category": c.categories[c.cell_category[a.cell]],
            "observed": a.observed,
            "expected": round(a.expected, 2),
            "p_value": a.p_value,
            "q_value": a.q_value,
        }
        for a in sorted(alarms, key=lambda a: a.p_value)
    ]


def weekly_forecasts(
    engine: Engine,
    labels: Labels,
    scope: Reach,
    f: ViewFilter,
    horizon: int = 4,
    level: str = "category_l1",
) -> list[dict[str, Any]]:
    src = source(engine, scope, f, {level}, daily=True)
    count = "sum(n)" if src.rollup else "count(*)"
    rows = engine.rows(
        f"SELECT {level} AS category, date_trunc('week', local_date)::DATE AS week, {count} AS n "
        f"FROM {src.table} WHERE {src.where.sql} AND {level} IS NOT NULL GROUP BY ALL ORDER BY 1, 2",
        src.where.params,
    )
    series: dict[str, dict[date, int]] = {}
    for r in rows:
        series.setdefault(r["category"], {})[r["week"]] = int(r["n"])
    if not series:
        return []
    weeks = sorted({w for s in series.values() for w in s})
    # The last week is usually incomplete: forecast from the last complete one.
    weeks = weeks[:-1] if len(weeks) > 1 else weeks
    name = labels.names(level, series)
    result = []
    for category, counts in sorted(series.items()):
        y = np.array([counts.get(w, 0) for w in weeks], dtype=float)
        predicted = forecast.forecast(y, horizon, first_week=weeks[0])
        result.append(
            {
                "category": category,
                "label": name(category),
                "history": [
                    {"week": w.isoformat(), "count": int(v)}
                    for w, v in zip(weeks[-12:], y[-12:], strict=True)
                ],
                "forecast": [
                    {"week": (weeks[-1] + timedelta(weeks=h + 1)).isoformat(), "count": round(float(v), 1)}
                    for h, v in enumerate(predicted)
                ],
            }
        )
    return result


def recurring_communities(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, min_weeks: int = 4, limit: int = 100
) -> list[dict[str, Any]]:
    """Communities where one category recurs week after week (in at least ``min_weeks`` weeks).

    From ``rollup_communities`` when the dates are whole months: per month it keeps the weeks each
    community × category had demands in, so the distinct weeks of several months are the union of
    their lists. Within one month there is one row per community × category, and the rows with fewer
    weeks are skipped unread (the file is sorted by their number)."""
    src = source(engine, scope, f, {"community_code", "category_code"})
    order = f"ORDER BY weeks DESC, count DESC, community_code, category_code LIMIT {int(limit)}"
    wanted = "community_code IS NOT NULL AND category_code IS NOT NULL"
    if src.name == COMMUNITIES.table and f.month:
        # One row per community × category: no grouping. The answer's rows have the most weeks, so
        # ask for those in every week the month touches (4 to 6), then one fewer, … until the limit
        # is reached; the file is sorted by weeks, so each ask reads only the row groups it needs.
        assert f.date_from is not None
        for at_least in range(max(_weeks_touched(f.date_from), min_weeks), min_weeks - 1, -1):
            rows = engine.rows(
                f"SELECT community_code, category_code, n::BIGINT AS count, n_weeks::BIGINT AS weeks "
                f"FROM {src.table} WHERE {src.where.sql} AND n_weeks >= ? AND {wanted} {order}",
                [*src.where.params, at_least],
            )
            if len(rows) >= limit:
                break
    else:
        if src.name == COMMUNITIES.table:
            weeks = "len(list_distinct(flatten(list(weeks))))"
            sql = (
                f"SELECT community_code, category_code, sum(n) AS count, {weeks} AS weeks "
                f"FROM {src.table} WHERE {src.where.sql} AND {wanted} GROUP BY ALL HAVING {weeks} >= ?"
            )
            params = [*src.where.params, min_weeks]
        else:
            where = where_for(scope, f)
            sql = f"""SELECT community_code, category_code, count(*) AS count,
                       count(DISTINCT date_trunc('week', local_date)) AS weeks
                FROM cases WHERE {where.sql} AND {wanted}
                GROUP BY ALL HAVING count(DISTINCT date_trunc('week', local_date)) >= ?"""
            params = [*where.params, min_weeks]
        rows = engine.rows(
            f"SELECT community_code, category_code, count::BIGINT AS count, weeks::BIGINT AS weeks "
            f"FROM ({sql}) {order}",
            params,
        )
    community = labels.names("community", (r["community_code"] for r in rows))
    category = labels.names("category", (r["category_code"] for r in rows))
    return [
        {
            **r,
            "community_label": community(r["community_code"]),
            "category_label": category(r["category_code"]),
        }
        for r in rows
    ]


def _weeks_touched(day: date) -> int:
    """How many weeks (Monday to Sunday) the days of ``day``'s month fall in: 4 to 6."""
    first = months.shift(day, 0)
    last = months.shift(day, 1) - timedelta(days=1)
    return (last - (first - timedelta(days=first.weekday()))).days // 7 + 1
