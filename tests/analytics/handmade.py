"""Hand-made store rows for view tests: every number a test expects can be counted by eye."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import h3
import pyarrow as pa

from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASE_SCHEMA, CASES

WANGJING = ("110105", "110105026", "110105026001")
JIUXIANQIAO = ("110105", "110105011", "110105011001")
HAIDIAN = ("110108", "110108001", "110108001001")
CELL_A = h3.latlng_to_cell(39.9966, 116.4706, 10)
CELL_B = h3.latlng_to_cell(39.9800, 116.3000, 10)


def case(
    case_id: int,
    day: date,
    where: tuple[str, str, str] = WANGJING,
    category: str = "020201",
    **extra: Any,
) -> dict[str, Any]:
    received = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
    row: dict[str, Any] = {
        "case_id": case_id,
        "code": f"T{case_id}",
        "received_at": received,
        "local_date": day,
        "local_hour": 10,
        "demand_type": "complaint",
        "urgency": "ordinary",
        "channel": "phone",
        "state": "closed",
        "category_code": category,
        "category_l1": category[:2],
        "division_code": where[2],
        "district_code": where[0],
        "street_code": where[1],
        "community_code": where[2],
        "h3_cell": h3.str_to_int(CELL_A),
        "address_key": 1000 + case_id,
        "caller_key": 5000 + case_id,
        "lead_unit": "S" + where[1],
        "title": "噪音扰民",
        "description": "楼下噪音扰民，难以忍受",
        "keyword": "噪音",
        "sentiment": -1.0,
        "dispatched_at": received,
        "closed_at": received + timedelta(days=3),
        "handle_hours": 48.0,
        "overdue": False,
        "return_count": 0,
        "reopen_count": 0,
        "visit_solved": True,
        "satisfaction": "satisfied",
        "closure_kind": "handled",
        "updated_at": received + timedelta(days=3),
    }
    row.update(extra)
    return row


def write(store: Store, rows: list[dict[str, Any]]) -> None:
    plain = pa.schema(
        [pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type) for f in CASE_SCHEMA]
    )
    by_month: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_month.setdefault(f"{row['local_date']:%Y-%m}", []).append(row)
    for month, items in by_month.items():
        store.write(CASES, month, pa.Table.from_pylist(items, schema=plain))
