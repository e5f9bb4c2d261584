"""The views `bench/analytics.py` times, each with its raw floor; and the cold run of one view.

A view's **raw floor** is the cheapest raw-row query that could answer it: one DuckDB query over the
case files (the ``cases`` view, hive partitions pruned by the same dates) that reads every value of
the columns the view's answer depends on, for the rows its reach and dates select, and does nothing
else (``count(*)`` and ``max(hash(...))`` of those columns). Computing the view from raw rows cannot be
faster; a rollup can.

Run as a script, it is the **cold** run: a fresh Python process that first imports zhili's modules (a
server does at start; ``scipy.stats``, which the early warnings import at first use, is imported too and
its import time reported apart), opens the reference database, then times a new DuckDB connection
(``Engine``) answering the view once, and another new connection running the floor once. The OS page
cache is left as it is (not dropped: other jobs share the machine); DuckDB's caches are empty.

    python bench/analytics_views.py STORE DATABASE_URL VIEW_NAME    # prints one JSON line
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy.orm import Session

import zhili.analytics.warnings as warnings
from zhili.analytics import views
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY, Reach, ViewFilter, where_for
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store
from zhili.analytics.topics import candidates
from zhili.divisions.repository import latest_populations
from zhili.kernel import months

Run = Callable[[Engine, Labels, Session], Any]
DISTRICT = Reach(division_codes=frozenset({"110105"}))  # 朝阳区
STREET = Reach(division_codes=frozenset({"110105026"}))  # 望京街道
HANDLING = ("closed_at", "handle_hours", "overdue", "visit_solved", "satisfaction")


@dataclass(frozen=True)
class View:
    run: Run
    columns: tuple[str, ...]  # what the raw computation reads
    reach: Reach = CITY
    f: ViewFilter = field(default_factory=ViewFilter)


def suite(year: int, last_month: str) -> dict[str, View]:
    f = ViewFilter()
    october = ViewFilter(date_from=date(year, 10, 1), date_to=date(year, 10, 31))
    as_of = date(year, 10, 20)
    warning_days = ViewFilter(date_from=as_of - timedelta(days=3 * 2 + 28 + 2), date_to=as_of)
    last_day = months.shift(months.parse(last_month), 1)
    callers = ViewFilter(date_from=last_day - timedelta(days=views.REPEAT_WINDOW_DAYS))
    topic_months = ViewFilter(date_from=date(year, 5, 1), date_to=october.date_to)

    def volume(by: str, reach: Reach = CITY, v: ViewFilter = f) -> Run:
        return lambda e, labels, s: views.volume(e, labels, reach, v, by)

    def choropleth(e: Engine, labels: Labels, s: Session) -> Any:
        return views.district_choropleth(e, labels, CITY, f, partial(latest_populations, s))

    return {
        "volume by month": View(volume("month"), ("month",)),
        "volume by day": View(volume("day"), ("local_date",)),
        "volume by week (October, 朝阳)": View(
            volume("week", DISTRICT, october), ("local_date", "division_code"), DISTRICT, october
        ),
        "volume by district": View(volume("district"), ("district_code",)),
        "volume by street": View(volume("street"), ("street_code",)),
        "volume by street (望京 user)": View(
            volume("street", STREET), ("street_code", "division_code"), STREET
        ),
        "volume by community (October)": View(
            volume("community", CITY, october), ("community_code",), CITY, october
        ),
        "volume by category": View(volume("category"), ("category_code",)),
        "volume by type": View(volume("demand_type"), ("demand_type",)),
        "volume by channel": View(volume("channel"), ("channel",)),
        "handling by district": View(
            lambda e, labels, s: views.handling(e, labels, CITY, f, "district"), ("district_code", *HANDLING)
        ),
        "handling by category": View(
            lambda e, labels, s: views.handling(e, labels, CITY, f, "category"), ("category_code", *HANDLING)
        ),
        "choropleth (districts)": View(choropleth, ("district_code",)),
        "H3 cells res 7": View(lambda e, labels, s: views.hex_cells(e, CITY, f, 7), ("h3_cell",)),
        "H3 cells res 9 (October)": View(
            lambda e, labels, s: views.hex_cells(e, CITY, october, 9), ("h3_cell",), CITY, october
        ),
        "H3 cells res 9 (October, 望京 user)": View(
            lambda e, labels, s: views.hex_cells(e, STREET, october, 9),
            ("h3_cell", "division_code"),
            STREET,
            october,
        ),
        "top problems + keywords": View(
            lambda e, labels, s: views.top_problems(e, labels, CITY, f),
            ("category_code", "keyword", "street_code"),
        ),
        "repeat addresses": View(
            lambda e, labels, s: views.repeat_addresses(e, labels, CITY, f),
            ("address_key", "community_code", "category_code", "local_date"),
        ),
        "repeat callers (30 days)": View(
            lambda e, labels, s: views.repeat_callers(e, labels, CITY, f),
            ("caller_key", "category_code", "street_code"),
            CITY,
            callers,
        ),
        "sentiment by week": View(
            lambda e, labels, s: views.sentiment(e, labels, CITY, f, "week"), ("local_date", "sentiment")
        ),
        "forecast (4 weeks)": View(
            lambda e, labels, s: warnings.weekly_forecasts(e, labels, CITY, f), ("category_l1", "local_date")
        ),
        "early warnings (one day)": View(
            lambda e, labels, s: warnings.early_warnings(e, labels, CITY, as_of),
            ("street_code", "category_code", "local_date"),
            CITY,
            warning_days,
        ),
        "early warnings (one day, 朝阳 user)": View(
            lambda e, labels, s: warnings.early_warnings(e, labels, DISTRICT, as_of),
            ("street_code", "category_code", "local_date", "division_code"),
            DISTRICT,
            warning_days,
        ),
        # The two above read the day kept by ``analytics.warning_cache`` once computed (the warm run's
        # warm-up computes it); these two run the detector every time, as a day not yet kept does.
        "early warnings (one day, computed)": View(
            lambda e, labels, s: warnings.early_warnings(e, labels, CITY, as_of, kept=False),
            ("street_code", "category_code", "local_date"),
            CITY,
            warning_days,
        ),
        "early warnings (one day, 朝阳 user, computed)": View(
            lambda e, labels, s: warnings.early_warnings(e, labels, DISTRICT, as_of, kept=False),
            ("street_code", "category_code", "local_date", "division_code"),
            DISTRICT,
            warning_days,
        ),
        "每月一题 candidates": View(
            lambda e, labels, s: candidates(e, labels, CITY, f"{year}-10"),
            ("category_code", "district_code", "keyword", "street_code"),
            CITY,
            topic_months,
        ),
        "recurring communities (October)": View(
            lambda e, labels, s: warnings.recurring_communities(e, labels, CITY, october),
            ("community_code", "category_code", "local_date"),
            CITY,
            october,
        ),
    }


def floor_query(view: View) -> tuple[str, list[Any]]:
    where = where_for(view.reach, view.f)
    return (
        f"SELECT count(*) AS n, max(hash({', '.join(view.columns)})) AS h FROM cases WHERE {where.sql}",
        where.params,
    )


def run_floor(engine: Engine, view: View) -> None:
    sql, params = floor_query(view)
    engine.rows(sql, params)


def store_year(engine: Engine) -> tuple[int, str]:
    """The store's first year and its last month."""
    row = engine.rows("SELECT min(month) AS first, max(month) AS last FROM cases")[0]
    return int(row["first"][:4]), str(row["last"])


def cold(root: Path, database_url: str, name: str) -> dict[str, float]:
    from zhili.db import Database

    started = time.perf_counter()
    import scipy.stats  # noqa: F401  (the early warnings import it at first use)

    scipy_seconds = time.perf_counter() - started
    database = Database(database_url)
    session = database.open_session(write=False)
    probe = Engine(Store(root))
    year, last_month = store_year(probe)
    probe.close()
    view = suite(year, last_month)[name]
    started = time.perf_counter()
    engine = Engine(Store(root))
    view.run(engine, Labels(session), session)
    seconds = time.perf_counter() - started
    engine.close()
    started = time.perf_counter()
    engine = Engine(Store(root))
    run_floor(engine, view)
    floor = time.perf_counter() - started
    engine.close()
    session.close()
    database.dispose()
    duckdb.default_connection().close()
    return {"seconds": seconds, "floor": floor, "scipy_import": scipy_seconds}


if __name__ == "__main__":
    print(json.dumps(cold(Path(sys.argv[1]), sys.argv[2], sys.argv[3])))
