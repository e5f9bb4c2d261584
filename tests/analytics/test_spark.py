"""Spark reads the 民生诉求数据库 as it lies on disk, without zhili's code, and answers as zhili does.

PySpark in local mode (Debian's OpenJDK) reads two stores, one synced from demo cases in the database
and one generated straight into the store, with plain Spark SQL. The queries are the ones printed in
docs/spark-trino.md; they must answer exactly what zhili's DuckDB engine answers to the same text,
and agree with zhili's own dashboard view and DuckDB's exact median.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.cli import invoke
from zhili.analytics import views
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        shutil.which("java") is None, reason="PySpark needs Java (scripts/install: OpenJDK 17)"
    ),
]

DOC = Path(__file__).resolve().parents[2] / "docs" / "spark-trino.md"


def documented_query(starts: str) -> str:
    """The ```sql block of docs/spark-trino.md that starts with ``starts``."""
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    found = [b for b in blocks if b.startswith(starts)]
    assert len(found) == 1, f"docs/spark-trino.md has no single query starting {starts!r}"
    return found[0]


VOLUMES = documented_query("SELECT month, district_code, category_code")
MEDIANS = documented_query("WITH handled AS")


@pytest.fixture(scope="module", params=["synced", "generated"])
def store_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store written by `zhili analytics sync` (through `zhili init --demo-cases`), or one written
    by `zhili demo generate --store`."""
    root = tmp_path_factory.mktemp(f"spark-{request.param}")
    env = {"ZHILI_ENVIRONMENT": "test", "ZHILI_DATA_DIR": str(root / "data")}
    args = (
        ["init", "--demo-cases", "600"]
        if request.param == "synced"
        else ["demo", "generate", "--cases", "20000", "--store"]
    )
    result = invoke(args, env, root)
    assert result.returncode == 0, result.output
    return root / "data" / "analytics"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("zhili-store-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def spark_rows(spark: Any, store_dir: Path, sql: str) -> list[dict[str, Any]]:
    # Exactly what docs/spark-trino.md tells an analyst to run: a view over the folder, then the query.
    path = (store_dir / "cases").as_posix().replace("'", "\\'")
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW cases USING parquet OPTIONS (path 'file://{path}')")
    return [row.asDict() for row in spark.sql(sql).collect()]


@pytest.fixture
def duck(store_dir: Path) -> Iterator[Engine]:
    engine = Engine(Store(store_dir))
    yield engine
    engine.close()


def test_spark_reads_the_schema_zhili_writes(spark: Any, store_dir: Path) -> None:
    path = (store_dir / "cases").as_posix()
    frame = spark.read.parquet(f"file://{path}")
    types = dict(frame.dtypes)
    assert types["month"] == "string" and types["received_at"] == "timestamp"
    assert types["handle_hours"] == "float" and types["district_code"] == "string"
    assert types["local_hour"] == "tinyint" and types["local_date"] == "date"


def test_monthly_volumes_by_district_and_category_agree(spark: Any, store_dir: Path, duck: Engine) -> None:
    in_spark = {
        (r["month"], r["district_code"], r["category_code"]): r["cases"]
        for r in spark_rows(spark, store_dir, VOLUMES)
    }
    in_duckdb = {(r["month"], r["district_code"], r["category_code"]): r["cases"] for r in duck.rows(VOLUMES)}
    assert in_spark == in_duckdb
    assert len(in_spark) > 100  # enough groups to mean something
    # zhili's dashboard view (GET /api/analytics/volume?by=month, from the rollups) has the same months
    by_month: dict[str, int] = {}
    for (month, _district, _category), count in in_spark.items():
        by_month[month] = by_month.get(month, 0) + count
    dashboard = views.volume(duck, Labels(None), CITY, ViewFilter(), by="month")  # type: ignore[arg-type]
    assert {row["key"]: row["count"] for row in dashboard} == by_month


def test_median_handling_time_by_category_agrees(spark: Any, store_dir: Path, duck: Engine) -> None:
    in_spark = {r["category_code"]: r for r in spark_rows(spark, store_dir, MEDIANS)}
    in_duckdb = {r["category_code"]: r for r in duck.rows(MEDIANS)}
    assert in_spark.keys() == in_duckdb.keys() and len(in_spark) > 10
    exact = {
        r["category_code"]: r
        for r in duck.rows(
            "SELECT category_code, median(handle_hours) AS median_hours, count(handle_hours) AS handled "
            "FROM cases WHERE handle_hours IS NOT NULL GROUP BY 1"
        )
    }
    spark_percentile = {
        r["category_code"]: r["p50"]
        for r in spark_rows(
            spark,
            store_dir,
            "SELECT category_code, percentile(handle_hours, 0.5) AS p50 FROM cases GROUP BY 1",
        )
        if r["p50"] is not None
    }
    for category, row in in_spark.items():
        assert row["handled"] == in_duckdb[category]["handled"] == exact[category]["handled"]
        median = pytest.approx(row["median_hours"], rel=1e-6)
        assert in_duckdb[category]["median_hours"] == median
        assert exact[category]["median_hours"] == median
        assert spark_percentile[category] == median
