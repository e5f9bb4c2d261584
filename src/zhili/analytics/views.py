"""The dashboard views: each a DuckDB query over ``cases`` answering plain dicts for the JSON API.

Every view takes the actor's ``Scope`` (district-level users see their district only) and a
``ViewFilter``. Nothing here returns a citizen, an address or a case text: repeat addresses and
repeat callers are shown as keyed tokens with counts and their community.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import h3

from zhili.analytics import rollups
from zhili.analytics.engine import Engine
from zhili.analytics.filters import Reach, ViewFilter, Where, add_column_filters, where_for
from zhili.analytics.labels import Labels
from zhili.divisions.models import NO_POPULATION
from zhili.divisions.repository import PopulationItem
from zhili.errors import ValidationFailed
from zhili.kernel import months

TIME_DIMENSIONS = {
    "day": "local_date",
    "week": "date_trunc('week', local_date)::DATE",
    "month": "month",
    "hour": "local_hour",
    "weekday": "isodow(local_date)",
}
GROUP_DIMENSIONS = {
    "district": "district_code",
    "street": "street_code",
    "community": "community_code",
    "category": "category_code",
    "category_l1": "category_l1",
    "demand_type": "demand_type",
    "channel": "channel",
    "state": "state",
    "lead_unit": "lead_unit",
}
DIMENSIONS = {**TIME_DIMENSIONS, **GROUP_DIMENSIONS}
DAILY = frozenset({"day", "week", "weekday"})
MAX_LIMIT = 5000
CITY_CELLS9 = rollups.BY_NAME["city_cells9"].table
REPEAT_WINDOW_DAYS = 30  # 重复来电 counted over a month, as the monthly assessment does
NEGATIVE_BELOW = -0.2

# The latest resident population of some division codes: ``divisions.repository.latest_populations``
# bound to the request's session.
Residents = Callable[[Collection[str]], Mapping[str, PopulationItem]]

# The same measure over raw cases and over a rollup's additive columns.
MEASURES = {
    "count": ("count(*)", "sum(n)"),
    "closed": ("count(closed_at)", "sum(closed)"),
    "mean_hours": ("avg(handle_hours)", "sum(handle_sum) / nullif(sum(handle_n), 0)"),
    "overdue_rate": ("avg(overdue::INTEGER)", "sum(overdue) / nullif(sum(n), 0)"),
    "solved_rate": ("avg(visit_solved::INTEGER)", "sum(solved) / nullif(sum(solved_n), 0)"),
    "satisfied_rate": (
        "avg(CASE WHEN satisfaction IS NULL THEN NULL "
        "WHEN satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END)",
        "sum(satisfied) / nullif(sum(satisfaction_n), 0)",
    ),
    "sentiment_n": ("count(sentiment)", "sum(sentiment_n)"),
    "sentiment_mean": ("avg(sentiment)", "sum(sentiment_sum) / nullif(sum(sentiment_n), 0)"),
    "negative_share": (
        f"avg((sentiment < {NEGATIVE_BELOW})::INTEGER)",
        "sum(negative) / nullif(sum(sentiment_n), 0)",
    ),
}


@dataclass(frozen=True)
class Source:
    name: str  # the table read: ``cases`` or a rollup's
    where: Where
    rollup: bool
    month_files: str | None = None  # one month's files of it, when the question is that month

    @property
    def table(self) -> str:
        """What a query reads FROM: the table, or only its month's files."""
        return self.month_files or self.name

    def m(self, name: str) -> str:
        raw, rolled = MEASURES[name]
        return f"{rolled if self.rollup else raw} AS {name}"


def source(engine: Engine, reach: Reach, f: ViewFilter, needed: set[str], *, daily: bool = False) -> Source:
    """Where a view reads from: a rollup that covers it, or the cases themselves."""
    chosen = rollups.choose(engine.store, needed, f, reach, daily=daily)
    if chosen is None:
        return Source("cases", where_for(reach, f), False)
    where = Where()
    clause, params = rollups.reach_clause(reach)
    where.add(clause, *params)
    if f.date_from:
        where.add("month >= ?", f"{f.date_from:%Y-%m}")
        if chosen.daily:
            where.add("local_date >= ?", f.date_from)
    if f.date_to:
        where.add("month <= ?", f"{f.date_to:%Y-%m}")
        if chosen.daily:
            where.add("local_date <= ?", f.date_to)
    add_column_filters(where, f)  # rollups.choose made sure the rollup has these columns
    files = engine.month_files(chosen.table, f.month) if f.month else None
    return Source(chosen.table, where, True, files)


def _dimension(by: str) -> tuple[str, set[str], bool]:
    """SQL expression, columns needed, and whether days are needed, of a grouping dimension."""
    if by not in DIMENSIONS:
        raise ValidationFailed(f"不支持的分组维度：{by}（可选：{'、'.join(DIMENSIONS)}）", field="by")
    expr = DIMENSIONS[by]
    needed = {"local_hour"} if by == "hour" else ({expr} if by in GROUP_DIMENSIONS else set())
    return expr, needed, by in DAILY


def _order(by: str, measure: str) -> str:
    return "1" if by in TIME_DIMENSIONS else f"{measure} DESC, 1"


def _key(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def volume(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, by: str = "month", limit: int = 500
) -> list[dict[str, Any]]:
    expr, needed, daily = _dimension(by)
    src = source(engine, scope, f, needed, daily=daily)
    rows = engine.rows(
        f"SELECT {expr} AS key, {src.m('count')} FROM {src.table} WHERE {src.where.sql} "
        f"GROUP BY 1 ORDER BY {_order(by, 'count')} LIMIT {min(limit, MAX_LIMIT)}",
        src.where.params,
    )
    label = labels.names(by, (r["key"] for r in rows))
    return [{"key": _key(r["key"]), "label": label(r["key"]), "count": int(r["count"])} for r in rows]


def handling(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, by: str = "district", limit: int = 500
) -> list[dict[str, Any]]:
    """Handling time (received → 反馈, hours), overdue, solved and satisfied rates per group.

    The median is exact-ish (``approx_quantile``) over cases and interpolated from a histogram of
    handling hours over a rollup."""
    expr, needed, daily = _dimension(by)
    src = source(engine, scope, f, needed, daily=daily)
    median = (
        ", ".join(f"sum({h})::BIGINT AS {h}" for h in rollups.HISTOGRAM)
        if src.rollup
        else "approx_quantile(handle_hours, 0.5) AS median_hours"
    )
    names = ("count", "closed", "mean_hours", "overdue_rate", "solved_rate", "satisfied_rate")
    rows = engine.rows(
        f"SELECT {expr} AS key, {', '.join(src.m(n) for n in names)}, {median} "
        f"FROM {src.table} WHERE {src.where.sql} "
        f"GROUP BY 1 ORDER BY {_order(by, 'count')} LIMIT {min(limit, MAX_LIMIT)}",
        src.where.params,
    )
    label = labels.names(by, (r["key"] for r in rows))
    result = []
    for r in rows:
        if src.rollup:
            r["median_hours"] = rollups.median_from([int(r[h] or 0) for h in rollups.HISTOGRAM])
        item: dict[str, Any] = {"key": _key(r["key"]), "label": label(r["key"])}
        item["count"], item["closed"] = int(r["count"]), int(r["closed"])
        for name in ("mean_hours", "median_hours", "overdue_rate", "solved_rate", "satisfied_rate"):
            item[name] = None if r[name] is None else round(float(r[name]), 4)
        result.append(item)
    return result


def district_choropleth(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, residents: Residents
) -> list[dict[str, Any]]:
    """Per district, for a choropleth: count, and count per 10,000 residents of the district's latest
    population figure (``division_populations``). A district without a figure (a city imported but
    not yet given its population) has ``per_10k`` None and ``population_note`` saying so."""
    rows = volume(engine, labels, scope, f, by="district", limit=100)
    population = residents([str(row["key"]) for row in rows])
    for row in rows:
        figure = population.get(str(row["key"]))
        row["population"] = figure.residents if figure else None
        row["population_year"] = figure.year if figure else None
        row["per_10k"] = round(row["count"] * 10_000 / figure.residents, 2) if figure else None
        row["population_note"] = None if figure else NO_POPULATION
    return rows


def h3_parent_sql(resolution: int, column: str = "h3_cell") -> str:
    """SQL for the parent of an H3 cell at ``resolution``: set the resolution field and mark the
    finer digits unused (7), exactly as ``h3.cell_to_parent`` does."""
    low = (1 << (3 * (15 - resolution))) - 1
    return f"(({column} & ~(15::BIGINT << 52)) | ({resolution}::BIGINT << 52) | {low}::BIGINT)"


def hex_cells(
    engine: Engine, scope: Reach, f: ViewFilter, resolution: int = 7, limit: int = 2000
) -> list[dict[str, Any]]:
    if not 0 <= resolution <= 10:
        raise ValidationFailed("H3 分辨率须在 0–10 之间", field="resolution")
    rolled = (
        "cell8"
        if resolution <= rollups.CELL_RESOLUTION
        else "cell9"
        if resolution == rollups.FINE_RESOLUTION
        else "h3_cell"
    )
    src = source(engine, scope, f, {rolled})
    column = rolled if src.rollup else "h3_cell"
    grouped = f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {min(limit, MAX_LIMIT)}"
    if src.name == CITY_CELLS9 and f.month:
        # One month of the city at resolution 9 has one row per cell already: nothing to group.
        cell, count, grouped = "cell9", "n AS count", grouped.removeprefix("GROUP BY 1 ")
    else:
        cell, count = h3_parent_sql(resolution, column), src.m("count")
    found = engine.columns(
        f"SELECT {cell} AS cell, {count} FROM {src.table} "
        f"WHERE {src.where.sql} AND {column} IS NOT NULL AND (({column} >> 52) & 15) >= {resolution} "
        f"{grouped}",
        src.where.params,
    )
    result = []
    for number, n in zip(found["cell"].tolist(), found["count"].tolist(), strict=True):
        cell, lat, lng = _centre(number)
        result.append({"cell": cell, "count": int(n), "lat": lat, "lng": lng})
    return result


@lru_cache(maxsize=1 << 18)
def _centre(number: int) -> tuple[str, float, float]:
    """An H3 cell's name and centre (rounded to 6 places, ~0.1 m). A city has some hundred thousand
    cells at the finest resolution the maps use; each is worked out once per process."""
    cell = h3.int_to_str(number)
    lat, lng = h3.cell_to_latlng(cell)
    return cell, round(lat, 6), round(lng, 6)


def top_problems(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, limit: int = 20, keywords: int = 5
) -> list[dict[str, Any]]:
    """Categories by volume, each with its most frequent keywords and how many streets report it."""
    src = source(engine, scope, f, {"category_code", "keyword"})
    rows = engine.rows(
        f"""SELECT category_code, keyword, {src.m("count")}
            FROM {src.table} WHERE {src.where.sql} AND category_code IS NOT NULL GROUP BY ALL""",
        src.where.params,
    )
    name = labels.names("category", (r["category_code"] for r in rows))
    by_category: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = by_category.setdefault(
            r["category_code"],
            {
                "category": r["category_code"],
                "label": name(r["category_code"]),
                "count": 0,
                "keywords": [],
            },
        )
        item["count"] += int(r["count"])
        if r["keyword"]:
            item["keywords"].append({"keyword": r["keyword"], "count": int(r["count"])})
    spread_src = source(engine, scope, f, {"category_code", "street_code"})
    spread = {
        r["category_code"]: r["streets"]
        for r in engine.rows(
            f"SELECT category_code, count(DISTINCT street_code) AS streets FROM {spread_src.table} "
            f"WHERE {spread_src.where.sql} GROUP BY 1",
            spread_src.where.params,
        )
    }
    ranked = sorted(by_category.values(), key=lambda i: (-i["count"], i["category"]))[:limit]
    for item in ranked:
        item["streets"] = spread.get(item["category"], 0)
        item["keywords"] = sorted(item["keywords"], key=lambda k: (-k["count"], k["keyword"]))[:keywords]
    return ranked


def _details(
    engine: Engine, column: str, keys: list[int], where_sql: str, params: list[Any], extra: str
) -> dict[int, dict[str, Any]]:
    """Second stage of a repeat view: details of the few top keys only (cheap: a filtered scan)."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = engine.rows(
        f"SELECT {column} AS k, {extra} FROM cases WHERE {where_sql} AND {column} IN ({marks}) GROUP BY 1",
        [*params, *keys],
    )
    return {int(r.pop("k")): r for r in rows}


def repeat_addresses(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, minimum: int = 3, limit: int = 100
) -> list[dict[str, Any]]:
    """Addresses with at least ``minimum`` demands, as keyed tokens with their community."""
    where = where_for(scope, f)
    src = source(engine, scope, f, {"address_key", "community_code"})
    top = engine.rows(
        f"""SELECT address_key, {src.m("count")} FROM {src.table}
            WHERE {src.where.sql} AND address_key IS NOT NULL
            GROUP BY 1 HAVING {MEASURES["count"][int(src.rollup)]} >= ?
            ORDER BY 2 DESC, 1 LIMIT {min(limit, MAX_LIMIT)}""",
        [*src.where.params, minimum],
    )
    keys = [int(r["address_key"]) for r in top]
    if src.rollup:
        # Per-month details from the rollup: the month with most demands names the category, and
        # the number of categories is the largest of any one month (a lower bound).
        marks = ", ".join("?" for _ in keys)
        rows = (
            engine.rows(
                f"SELECT address_key AS k, any_value(community_code) AS community, "
                f"arg_max(top_category, n) AS category, max(categories) AS categories, "
                f"min(first_date) AS first, max(last_date) AS last FROM {src.table} "
                f"WHERE {src.where.sql} AND address_key IN ({marks}) GROUP BY 1",
                [*src.where.params, *keys],
            )
            if keys
            else []
        )
        details = {int(r.pop("k")): r for r in rows}
    else:
        details = _details(
            engine, "address_key", keys, where.sql, where.params,
            "any_value(community_code) AS community, mode(category_code) AS category, "
            "count(DISTINCT category_code) AS categories, min(local_date) AS first, max(local_date) AS last",
        )  # fmt: skip
    community = labels.names("community", (d.get("community") for d in details.values()))
    category = labels.names("category", (d.get("category") for d in details.values()))
    result = []
    for r in top:
        d = details.get(int(r["address_key"]), {})
        result.append(
            {
                "token": f"A{int(r['address_key']) & 0xFFFFFFFFFF:010x}",
                "count": int(r["count"]),
                "community": d.get("community"),
                "community_label": community(d.get("community")),
                "category": d.get("category"),
                "category_label": category(d.get("category")),
                "categories": d.get("categories"),
                "first": _key(d.get("first")),
                "last": _key(d.get("last")),
            }
        )
    return result


def repeat_callers(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, minimum: int = 3, limit: int = 50
) -> dict[str, Any]:
    """How many callers called how often, and the most frequent ones as anonymous tokens.

    Without a start date the window is the last ``REPEAT_WINDOW_DAYS`` days of the store: repeat calls
    are counted over a recent period, as the hotline does (重复来电)."""
    if f.date_from is None:
        latest = engine.rows("SELECT max(month) AS m FROM cases")[0]["m"]
        if latest is not None:
            last_day = f.date_to or months.shift(months.parse(latest), 1)
            f = replace(f, date_from=last_day - timedelta(days=REPEAT_WINDOW_DAYS))
    where = where_for(scope, f)
    cursor = engine.cursor("cases")
    try:
        cursor.execute(
            f"CREATE TEMP TABLE per_caller AS SELECT caller_key, count(*)::INTEGER AS n FROM cases "
            f"WHERE {where.sql} AND caller_key IS NOT NULL GROUP BY 1",
            where.params,
        )
        buckets = cursor.execute(
            """SELECT CASE WHEN n = 1 THEN '1' WHEN n = 2 THEN '2' WHEN n <= 5 THEN '3-5'
                           WHEN n <= 10 THEN '6-10' ELSE '>10' END AS bucket,
                      count(*) AS callers, sum(n)::BIGINT AS cases
               FROM per_caller GROUP BY 1 ORDER BY min(n)"""
        ).fetchall()
        top = cursor.execute(
            f"SELECT caller_key, n FROM per_caller WHERE n >= ? ORDER BY n DESC, caller_key "
            f"LIMIT {min(limit, MAX_LIMIT)}",
            [minimum],
        ).fetchall()
    finally:
        cursor.close()
    details = _details(
        engine,
        "caller_key",
        [int(k) for k, _ in top],
        where.sql,
        where.params,
        "count(DISTINCT category_code) AS categories, mode(street_code) AS street",
    )
    street = labels.names("street", (d.get("street") for d in details.values()))
    return {
        "distribution": [{"bucket": b, "callers": c, "cases": n} for b, c, n in buckets],
        "top": [
            {
                "token": f"C{int(k) & 0xFFFFFFFFFF:010x}",
                "count": n,
                "categories": details.get(int(k), {}).get("categories"),
                "street": details.get(int(k), {}).get("street"),
                "street_label": street(details.get(int(k), {}).get("street")),
            }
            for k, n in top
        ],
    }


def sentiment(
    engine: Engine, labels: Labels, scope: Reach, f: ViewFilter, by: str = "week"
) -> list[dict[str, Any]]:
    """社会心态: mean lexicon score and the share of clearly negative demands per period (or group)."""
    expr, needed, daily = _dimension(by)
    src = source(engine, scope, f, needed, daily=daily)
    names = ("sentiment_n", "sentiment_mean", "negative_share")
    rows = engine.rows(
        f"""SELECT {expr} AS key, {", ".join(src.m(n) for n in names)}
            FROM {src.table} WHERE {src.where.sql}
            GROUP BY 1 HAVING {MEASURES["sentiment_n"][int(src.rollup)]} > 0
            ORDER BY {_order(by, "sentiment_n")} LIMIT {MAX_LIMIT}""",
        src.where.params,
    )
    label = labels.names(by, (r["key"] for r in rows))
    return [
        {
            "key": _key(r["key"]),
            "label": label(r["key"]),
            "count": int(r["sentiment_n"]),
            "mean": round(float(r["sentiment_mean"]), 4),
            "negative_share": round(float(r["negative_share"]), 4),
        }
        for r in rows
    ]


def latest_day(engine: Engine, scope: Reach) -> date | None:
    """The last day with any case in the actor's reach: dashboards open on it, and say so (数据截至)."""
    src = source(engine, scope, ViewFilter(), set(), daily=True)
    column = "local_date"
    if not src.rollup:
        # A reach no daily rollup covers (a community): each address's last day, every case counted.
        src = source(engine, scope, ViewFilter(), {"address_key"})
        column = "last_date" if src.rollup else column
    rows = engine.rows(f"SELECT max({column}) AS d FROM {src.table} WHERE {src.where.sql}", src.where.params)
    value = rows[0]["d"] if rows else None
    return value if isinstance(value, date) else None
