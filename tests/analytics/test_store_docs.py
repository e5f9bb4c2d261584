"""docs/spark-trino.md documents every column of the store, and its Trino table declares them all."""

from __future__ import annotations

import re
from pathlib import Path

from zhili.analytics.store_schema import CASE_SCHEMA, EVENT_SCHEMA, PARTITION

DOC = (Path(__file__).resolve().parents[2] / "docs" / "spark-trino.md").read_text(encoding="utf-8")


def documented_columns(table: str) -> list[str]:
    section = DOC.split(f"### `{table}`", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M)


def test_every_column_is_documented_in_order() -> None:
    assert documented_columns("cases") == [*CASE_SCHEMA.names, PARTITION]
    assert documented_columns("events") == [*EVENT_SCHEMA.names, PARTITION]


def test_the_trino_table_declares_every_case_column_with_the_partition_last() -> None:
    ddl = DOC.split("CREATE TABLE hive.zhili.cases (", 1)[1].split(") WITH (", 1)[0]
    declared = re.findall(
        r"([a-z0-9_]+) (?:bigint|varchar|timestamp|date|tinyint|smallint|real|boolean)", ddl
    )
    assert declared == [*CASE_SCHEMA.names, PARTITION]
