"""The synthetic Beijing year: exact volume, real divisions, seasonality, planted bursts, no personal
data in the store layout, and import-format files that ``zhili cases import`` accepts in full."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASE_SCHEMA
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import import_cases
from zhili.cases.models import Case
from zhili.demo.generator import YearGenerator
from zhili.demo.geography import beijing
from zhili.demo.writers import to_import_file, to_store, write_bursts
from zhili.settings import Settings

PERSONAL = ("name", "phone", "id_number", "citizen", "address", "lat", "lng")


@pytest.fixture(scope="module")
def year_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("store"))
    gen = YearGenerator(60_000, 2025, seed=3)
    assert to_store(gen, store, lambda n: None) == 60_000
    write_bursts(gen, store.root / "_bursts.json")
    return store


def sql(store: Store, query: str) -> list[tuple]:  # type: ignore[type-arg]
    view = f"read_parquet('{store.glob('cases')}', hive_partitioning = true)"
    return duckdb.sql(query.replace("CASES", view)).fetchall()


def test_exact_volume_months_and_schema(year_store: Store) -> None:
    assert sql(year_store, "SELECT count(*), count(DISTINCT case_id) FROM CASES") == [(60_000, 60_000)]
    assert year_store.months() == [f"2025-{m:02d}" for m in range(1, 13)]
    schema = pq.read_schema(year_store.files("cases")[0])
    assert schema.names == CASE_SCHEMA.names
    assert not [n for n in schema.names if any(p in n for p in PERSONAL) and not n.endswith("_key")]


def test_locations_are_real_and_population_weighted(year_store: Store) -> None:
    geo = beijing()
    rows = dict(sql(year_store, "SELECT district_code, count(*) FROM CASES GROUP BY 1"))
    assert set(rows) == set(geo.district_codes)
    assert rows["110105"] > rows["110119"] * 5  # 朝阳 (345 万人) against 延庆 (35 万人)
    bad = sql(
        year_store,
        "SELECT count(*) FROM CASES WHERE NOT starts_with(community_code, street_code) "
        "OR NOT starts_with(street_code, district_code)",
    )
    assert bad == [(0,)]
    communities = {c for (c,) in sql(year_store, "SELECT DISTINCT community_code FROM CASES")}
    assert communities <= set(geo.community_codes)


def test_seasons_weeks_and_holidays(year_store: Store) -> None:
    def monthly(prefix: str) -> dict[int, int]:
        rows = sql(
            year_store,
            "SELECT month(local_date), count(*) FROM CASES "
            f"WHERE starts_with(category_code, '{prefix}') GROUP BY 1",
        )
        return dict(rows)

    heating = monthly("1205")
    assert heating[11] > 5 * heating[7]  # 供暖 from November
    power = monthly("1203")
    assert power[7] > 1.5 * power[3]  # 停电 in summer
    weekday = dict(
        sql(
            year_store,
            "SELECT isodow(local_date) < 6, count(*) / count(DISTINCT local_date) FROM CASES GROUP BY 1",
        )
    )
    assert weekday[True] > weekday[False]
    festival = sql(year_store, "SELECT count(*) FROM CASES WHERE local_date = DATE '2025-01-30'")[0][0]
    ordinary = sql(year_store, "SELECT count(*) FROM CASES WHERE local_date = DATE '2025-03-05'")[0][0]
    assert festival < 0.7 * ordinary  # 春节 dip


def test_bursts_are_planted_and_recorded(year_store: Store) -> None:
    bursts = json.loads((year_store.root / "_bursts.json").read_text(encoding="utf-8"))["bursts"]
    assert bursts
    b = bursts[0]
    inside = sql(
        year_store,
        f"SELECT count(*) FROM CASES WHERE street_code = '{b['street_code']}' "
        f"AND category_code = '{b['category_code']}' AND local_date BETWEEN '{b['start']}' AND '{b['end']}'",
    )[0][0]
    assert inside >= b["extra_cases"]


def test_recurring_addresses_and_outcomes(year_store: Store) -> None:
    top = sql(year_store, "SELECT max(n) FROM (SELECT address_key, count(*) n FROM CASES GROUP BY 1)")[0][0]
    assert top >= 5
    closed, satisfied = sql(
        year_store,
        "SELECT avg((state = 'closed')::INT), "
        "avg((satisfaction IN ('satisfied','basically_satisfied'))::INT) "
        "FROM CASES WHERE satisfaction IS NOT NULL OR state = 'closed'",
    )[0]
    assert closed > 0.9 and 0.6 < satisfied < 0.99


def test_same_seed_same_year() -> None:
    a = next(YearGenerator(20_000, 2025, seed=9).chunks())
    b = next(YearGenerator(20_000, 2025, seed=9).chunks())
    assert (a.received_us == b.received_us).all() and (a.community == b.community).all()


def test_import_format_is_accepted_by_the_bulk_importer(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "demo.parquet"
    gen = YearGenerator(1_500, 2025, seed=5)
    assert to_import_file(gen, path, lambda n: None, with_phones=True) == 1_500
    before = session.scalar(select(func.count()).select_from(Case))
    report = import_cases(session, CaseContext.for_settings(settings), path)
    assert (report.accepted, report.refused) == (1_500, 0)
    assert session.scalar(select(func.count()).select_from(Case)) == before + 1_500
    plain = to_import_file(YearGenerator(1_500, 2025, seed=5), tmp_path / "plain.parquet", lambda n: None)
    assert plain == 1_500
    assert "citizen_phone" not in pq.read_schema(tmp_path / "plain.parquet").names
