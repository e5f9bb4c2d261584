"""The SQL console (read-only, time limit, row cap, store only) and the de-identified open export."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analytics import answers
from analytics.handmade import WANGJING, case, write
from support.cases import staff
from zhili.analytics.engine import Engine
from zhili.analytics.export import export_open
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store
from zhili.analytics.sync import sync
from zhili.db import Database
from zhili.kernel.masking import ID_NUMBER, MOBILE
from zhili.settings import Settings


@pytest.fixture
def data(store: Store) -> None:
    write(store, [case(i, date(2025, 10, 1 + i % 28)) for i in range(1, 41)])


def post(client: TestClient, sql: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = client.post("/api/analytics/sql", json={"sql": sql})
    return response.status_code, response.json()


def test_console_answers_a_select_with_a_row_cap(app: FastAPI, data: None, settings: Settings) -> None:
    status, body = post(staff(app).dispatcher, "SELECT street_code, count(*) AS n FROM cases GROUP BY 1")
    assert status == 200, body
    assert body["columns"] == ["street_code", "n"] and body["rows"] == [["110105026", 40]]
    assert set(body) == answers.CONSOLE and body["row_cap"] == settings.analytics_row_cap
    status, body = post(staff(app).dispatcher, "SELECT case_id, received_at FROM cases ORDER BY case_id")
    assert status == 200 and len(body["rows"]) == 40 and body["truncated"] is False
    capped = settings.model_copy(update={"analytics_row_cap": 5})
    app.state.settings = capped
    status, body = post(staff(app).dispatcher, "SELECT case_id FROM cases ORDER BY case_id")
    assert status == 200 and len(body["rows"]) == 5 and body["truncated"] is True


def test_console_cells_keep_their_json_types(app: FastAPI, data: None) -> None:
    """Numbers, booleans, text and null pass as they are; other values (dates, decimals, lists) as text."""
    status, body = post(
        staff(app).dispatcher,
        "SELECT 7 AS i, 2.5::DOUBLE AS f, 3.0::DOUBLE AS whole, true AS b, NULL AS z, 'x' AS s, "
        "DATE '2025-10-01' AS d, 1.25 AS dec, [1, 2] AS l, (1::HUGEINT << 100) AS big",
    )
    assert status == 200, body
    (row,) = body["rows"]
    assert row == [7, 2.5, 3.0, True, None, "x", "2025-10-01", "1.25", "[1, 2]", 2**100]
    assert [type(v).__name__ for v in (*row[:4], row[-1])] == ["int", "float", "float", "bool", "int"]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM cases",
        "INSERT INTO cases SELECT * FROM cases",
        "CREATE TABLE x AS SELECT 1",
        "COPY (SELECT * FROM cases) TO '/tmp/leak.csv'",
        "ATTACH '/tmp/other.db'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SELECT * FROM read_text('/etc/hostname')",
        "SET enable_external_access = true",
        "SELECT 1; DROP VIEW cases",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('/work/**/*.parquet')",
        "SELEKT 1",
    ],
)
def test_console_refuses_writes_and_other_files(app: FastAPI, data: None, store: Store, sql: str) -> None:
    before = sorted(store.root.rglob("*"))
    status, body = post(staff(app).dispatcher, sql)
    assert status == 422, body
    assert body["error"]["field"] == "sql"
    assert sorted(store.root.rglob("*")) == before  # nothing written
    assert not Path("/tmp/leak.csv").exists()


def test_console_stops_long_queries(app: FastAPI, data: None, settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"analytics_query_seconds": 0.5})
    status, body = post(
        staff(app).dispatcher,
        "SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range % 7 = b.range",
    )
    assert status == 422 and "时间限制" in body["error"]["message"]


def test_console_is_for_city_wide_users_only(app: FastAPI, client: TestClient, data: None) -> None:
    status, body = post(staff(app).street, "SELECT count(*) FROM cases")
    assert status == 403 and "全市" in body["error"]["message"]
    assert client.post("/api/analytics/sql", json={"sql": "SELECT 1"}).status_code in (401, 403)
    status, body = post(staff(app).dispatcher, "")
    assert status == 422 and body["error"]["field"] == "sql"


SECRETS = {
    "name": "欧阳娜娜",
    "phone": "13987654321",
    "id_number": "11010519900307002X",
}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_open_export_is_de_identified(
    app: FastAPI,
    db: Database,
    session: Session,
    settings: Settings,
    store: Store,
    tmp_path: Path,
    fmt: str,
) -> None:
    from support.cases import intake

    s = staff(app)
    texts = [
        f"我叫{SECRETS['name']}，手机{SECRETS['phone']}",
        f"身份证号{SECRETS['id_number']}，座机010-62345678，邮箱ouyang@example.com",
        "联系人王先生，电话 139 8765 4321，楼道堆物",
    ]
    for i, text in enumerate(texts):
        intake(s.operator, title=f"{text[:20]}{i}", description=text, citizen=SECRETS)
    sync(db, settings, store, settle_seconds=0)
    month = store.months()[-1]
    out = tmp_path / f"open.{fmt}"
    rows = export_open(Engine(store), Labels(session), month, fmt, out)  # type: ignore[arg-type]
    assert rows >= 3
    if fmt == "csv":
        with out.open(encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
        dump = out.read_text(encoding="utf-8")
    else:
        records = pq.read_table(out).to_pylist()
        dump = str(records)
    assert set(records[0]) >= {"日期", "类别", "社区编码", "网格H3", "标题"}
    assert not {"地址", "纬度", "经度", "电话", "姓名", "诉求内容"} & set(records[0])
    for secret in (*SECRETS.values(), "62345678", "ouyang@example.com", "王先生"):
        assert secret not in dump
    assert not MOBILE.search(dump) and not ID_NUMBER.search(dump)
    assert not re.search(r"\d{7,}", dump.replace(str(records[0].get("社区编码")), ""))
    assert all(len(str(r["网格H3"])) == 15 and str(r["网格H3"])[1] == "8" for r in records)
    assert {str(r["社区编码"])[:9] for r in records} == {WANGJING[1]}
    assert {(r["区"], r["街乡"]) for r in records} == {("朝阳区", "望京街道")}  # names from the tables


def test_open_export_refuses_a_bad_month(store: Store, session: Session, tmp_path: Path) -> None:
    from zhili.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        export_open(Engine(store), Labels(session), "2025/10", "csv", tmp_path / "x.csv")
    assert error.value.field == "month"
    assert not (tmp_path / "x.csv").exists()
