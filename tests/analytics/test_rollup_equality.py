"""Every view answers the same from the rollups as from the case rows, on the filters the pages use.

Two stores hold the same few hundred cases (three months, four communities in three streets of two
districts, several categories, cells, keywords, a planted burst); only one has rollups. Each view is
asked of both under city, district, street and community reach, with whole-month, multi-month and
odd date ranges, and with category, channel and area filters.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import h3
import pytest
from sqlalchemy.orm import Session

from analytics.handmade import HAIDIAN, JIUXIANQIAO, WANGJING, case, write
from zhili.analytics import rollup_build, rollups, views, warnings
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY, Reach, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store
from zhili.analytics.topics import candidates

WANGJING_2 = ("110105", "110105026", "110105026002")
PLACES = (WANGJING, WANGJING_2, JIUXIANQIAO, HAIDIAN)
CATEGORIES = ("020201", "020101", "120501", "0301", "030102")
POINTS = ((39.9966, 116.4706), (39.9800, 116.3000), (39.9700, 116.4900))
AS_OF = date(2025, 10, 20)


def _rows() -> list[dict[str, Any]]:
    rng = random.Random(20)
    rows = []
    first = date(2025, 8, 1)
    for i in range(1, 701):
        day = first + timedelta(days=rng.randrange(92))
        lat, lng = rng.choice(POINTS)
        cell = h3.latlng_to_cell(lat + rng.uniform(-0.01, 0.01), lng + rng.uniform(-0.01, 0.01), 10)
        closed = rng.random() < 0.8
        rows.append(_case(i, day, rng, cell, closed))
    # A burst of one street × category in the three days before AS_OF: the early warning's alarm.
    for k in range(40):
        rows.append(_case(1000 + k, AS_OF - timedelta(days=k % 3), rng, None, True, WANGJING, "020101"))
    return rows


def _case(
    i: int,
    day: date,
    rng: random.Random,
    cell: str | None,
    closed: bool,
    where: tuple[str, str, str] | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    where = where or rng.choice(PLACES)
    return case(
        i,
        day,
        where,
        category or rng.choice(CATEGORIES),
        channel=rng.choice(("phone", "app", "web")),
        demand_type=rng.choice(("complaint", "consultation", "help")),
        state="closed" if closed else rng.choice(("contacted", "signed")),
        keyword=rng.choice(("噪音", "油烟", "暖气", None)),
        sentiment=round(rng.uniform(-1, 1), 2) if rng.random() < 0.9 else None,
        h3_cell=h3.str_to_int(cell) if cell else None,
        # an address lies in one community
        address_key=PLACES.index(where) * 100 + rng.randrange(10) if rng.random() < 0.9 else None,
        caller_key=rng.randrange(200),
        closed_at=None if not closed else case(i, day)["closed_at"],
        handle_hours=round(rng.uniform(1, 400), 1) if closed else None,
        overdue=rng.random() < 0.2,
        visit_solved=(rng.random() < 0.7) if closed else None,
        satisfaction=rng.choice(("satisfied", "basically_satisfied", "unsatisfied")) if closed else None,
    )


@pytest.fixture(scope="session")
def backend() -> str:
    """One backend: the views read DuckDB stores, and the database only names divisions and categories,
    the same on either (overrides the parametrised fixture of tests/conftest.py)."""
    return "sqlite"


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Engine]:
    rows = _rows()
    raw, rolled = (Store(Path(tmp_path_factory.mktemp(name))) for name in ("raw", "rolled"))
    write(raw, rows)
    write(rolled, rows)
    rollup_build.rebuild(rolled, rolled.months())
    return Engine(raw), Engine(rolled)


REACHES = {
    "city": CITY,
    "district": Reach(division_codes=frozenset({"110105"})),
    "street": Reach(division_codes=frozenset({"110105026"})),
    "two streets": Reach(division_codes=frozenset({"110105026", "110108001"})),
    "community": Reach(division_codes=frozenset({WANGJING[2]})),
    "department": Reach(unit_code="S110105026"),
}
FILTERS = {
    "all": ViewFilter(),
    "October": ViewFilter(date_from=date(2025, 10, 1), date_to=date(2025, 10, 31)),
    "Sep–Oct": ViewFilter(date_from=date(2025, 9, 1), date_to=date(2025, 10, 31)),
    "odd days": ViewFilter(date_from=date(2025, 8, 13), date_to=date(2025, 10, 2)),
    "category 02": ViewFilter(category="02"),
    "category 0201, October": ViewFilter(
        category="0201", date_from=date(2025, 10, 1), date_to=date(2025, 10, 31)
    ),
    "street filter": ViewFilter(street="110105026"),
    "community filter": ViewFilter(community=WANGJING_2[2]),
    "app channel": ViewFilter(channel="app", demand_type="complaint"),
    "December, no cases": ViewFilter(date_from=date(2025, 12, 1), date_to=date(2025, 12, 31)),
}
CASES = [(r, f) for r in REACHES for f in FILTERS]


def both(engines: tuple[Engine, Engine], session: Session, view: Any, *args: Any) -> tuple[Any, Any]:
    raw, rolled = engines
    return view(raw, Labels(session), *args), view(rolled, Labels(session), *args)


def _without(rows: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in names} for row in rows]


@pytest.mark.parametrize(("reach", "name"), CASES)
def test_volume_handling_sentiment_and_cells(
    engines: tuple[Engine, Engine], session: Session, reach: str, name: str
) -> None:
    r, f = REACHES[reach], FILTERS[name]
    for by in views.DIMENSIONS:
        raw, rolled = both(engines, session, views.volume, r, f, by)
        assert raw == rolled, by
    for by in ("district", "street", "category", "month"):
        raw, rolled = both(engines, session, views.handling, r, f, by)
        # The median is approx_quantile over cases and a histogram's interpolation over a rollup.
        assert _without(raw, "median_hours") == _without(rolled, "median_hours"), by
    raw, rolled = both(engines, session, views.sentiment, r, f, "week")
    assert raw == rolled
    for resolution in (5, 7, 8, 9, 10):
        raw_cells, rolled_cells = (views.hex_cells(e, r, f, resolution) for e in engines)
        assert raw_cells == rolled_cells, resolution
    raw, rolled = both(engines, session, views.top_problems, r, f)
    assert raw == rolled
    raw, rolled = both(engines, session, views.repeat_addresses, r, f, 2)
    # Over a rollup the category and the number of categories come from single months (see the view).
    assert _without(raw, "category", "category_label", "categories") == _without(
        rolled, "category", "category_label", "categories"
    )
    raw, rolled = both(engines, session, warnings.weekly_forecasts, r, f)
    assert raw == rolled
    raw, rolled = both(engines, session, warnings.recurring_communities, r, f, 2)
    expect_some = reach != "department" and not any(w in name for w in ("community", "app", "no cases"))
    assert raw == rolled and (raw or not expect_some)


@pytest.mark.parametrize("reach", list(REACHES))
def test_warnings_topics_and_latest_day(engines: tuple[Engine, Engine], session: Session, reach: str) -> None:
    r = REACHES[reach]
    raw_cube, rolled_cube = (warnings.cube(e, r, date(2025, 8, 20), AS_OF) for e in engines)
    assert (raw_cube.areas, raw_cube.categories) == (rolled_cube.areas, rolled_cube.categories)
    assert raw_cube.cell_area.tolist() == rolled_cube.cell_area.tolist()
    assert raw_cube.cell_category.tolist() == rolled_cube.cell_category.tolist()
    assert raw_cube.y.tolist() == rolled_cube.y.tolist()
    raw, rolled = both(engines, session, warnings.early_warnings, r, AS_OF)
    assert raw == rolled
    if reach in ("city", "district", "street"):
        assert any(w["street"] == WANGJING[1] and w["category"] == "020101" for w in raw)
    raw, rolled = both(engines, session, candidates, r, "2025-10")
    assert raw == rolled
    assert views.latest_day(engines[0], r) == views.latest_day(engines[1], r)


def test_a_one_month_question_reads_only_that_months_files(engines: tuple[Engine, Engine]) -> None:
    """The views above answer it the same; here, that it reads the month's files and no others."""
    _, rolled = engines
    needed = {"community_code", "category_code"}
    october = views.source(rolled, CITY, FILTERS["October"], needed)
    assert october.name == "rollup_communities" and october.month_files is not None
    assert october.table == october.month_files
    assert "month=2025-10" in october.month_files
    assert "month=2025-09" not in october.month_files and "month=2025-08" not in october.month_files
    two_months = views.source(rolled, CITY, FILTERS["Sep–Oct"], needed)
    assert two_months.month_files is None and two_months.table == "rollup_communities"
    empty = views.source(rolled, CITY, FILTERS["December, no cases"], needed)
    assert empty.month_files is None and empty.table == "rollup_communities"


def test_the_rollups_hold_nothing_about_a_person(engines: tuple[Engine, Engine]) -> None:
    _, rolled = engines
    for rollup in rollups.ROLLUPS:
        columns = {r["column_name"] for r in rolled.rows(f"DESCRIBE {rollup.table}")}
        assert not columns & {"caller_key", "title", "description", "code", "case_id"}, rollup.name


def test_the_weeks_a_month_touches_are_counted_as_date_trunc_counts_them() -> None:
    """The recurring communities start from the most weeks a month's days fall in (Monday weeks)."""
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            first = date(year, month, 1)
            days = [first + timedelta(days=d) for d in range(31)]
            mondays = {d - timedelta(days=d.weekday()) for d in days if d.month == month}
            assert warnings._weeks_touched(first) == len(mondays), first
