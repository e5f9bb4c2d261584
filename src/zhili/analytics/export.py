"""``zhili analytics export-open``: one month of demands as de-identified open data.

What goes out: day, category, type, channel, district / street / community, an H3 cell coarsened to
resolution 8 (about 0.7 km²), state, handling hours (rounded), overdue, solved, satisfaction, and the
title scrubbed a second time. What never goes out: tracking code, caller or address keys, address,
coordinates, description, and anything personal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import h3
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from zhili.analytics import text
from zhili.analytics.engine import Engine
from zhili.analytics.labels import Labels
from zhili.analytics.views import h3_parent_sql
from zhili.cases.states import SATISFACTION_LABELS
from zhili.errors import ValidationFailed
from zhili.kernel import months

OPEN_H3_RESOLUTION = 8
SATISFACTION = {k.value: v for k, v in SATISFACTION_LABELS.items()}


def export_open(engine: Engine, labels: Labels, month: str, fmt: Literal["csv", "parquet"], out: Path) -> int:
    try:
        months.parse(month)
    except ValueError:
        raise ValidationFailed("月份格式应为 YYYY-MM", field="month") from None
    cell = f"CASE WHEN h3_cell IS NULL THEN NULL ELSE {h3_parent_sql(OPEN_H3_RESOLUTION)} END"
    rows = engine.rows(
        f"""SELECT local_date AS day, category_code, demand_type, channel, district_code, street_code,
                   community_code, {cell} AS cell,
                   state, round(handle_hours, 0) AS handle_hours, overdue, visit_solved, satisfaction, title
            FROM cases WHERE month = ? ORDER BY local_date, category_code""",
        [month],
    )

    def named(dimension: str, column: str) -> list[str | None]:
        name = labels.names(dimension, {r[column] for r in rows})
        return [name(r[column]) for r in rows]

    table = pa.table(
        {
            "日期": [r["day"] for r in rows],
            "类别编码": [r["category_code"] for r in rows],
            "类别": named("category", "category_code"),
            "诉求类型": named("demand_type", "demand_type"),
            "渠道": named("channel", "channel"),
            "区": named("district", "district_code"),
            "街乡": named("street", "street_code"),
            "社区编码": [r["community_code"] for r in rows],
            "社区": named("community", "community_code"),
            "网格H3": [h3.int_to_str(int(r["cell"])) if r["cell"] is not None else None for r in rows],
            "状态": named("state", "state"),
            "办理小时": [r["handle_hours"] for r in rows],
            "超期": [r["overdue"] for r in rows],
            "已解决": [r["visit_solved"] for r in rows],
            "满意度": [SATISFACTION.get(r["satisfaction"]) for r in rows],
            "标题": [text.scrub(r["title"]) for r in rows],
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        pacsv.write_csv(table, out)
    else:
        pq.write_table(table, out, compression="zstd")
    return table.num_rows
