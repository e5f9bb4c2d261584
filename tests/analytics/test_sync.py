"""``zhili analytics sync``: incremental, idempotent, following state changes, without personal data."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from support.cases import WANGJING, act, intake, staff
from zhili.analytics.store import Store
from zhili.analytics.sync import sync
from zhili.cases.models import Case
from zhili.db import Database
from zhili.errors import Conflict
from zhili.settings import Settings

NAME, PHONE, ID_NUMBER = "王小明", "13811112222", "110105199203041234"


def rows(store: Store, table: str = "cases") -> list[dict[str, Any]]:
    if not store.files(table):
        return []
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{store.glob(table)}', hive_partitioning = true)")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def run(db: Database, settings: Settings, store: Store) -> int:
    return sync(db, settings, store, settle_seconds=0).cases


def test_first_sync_copies_cases_and_events_without_personal_data(
    app: FastAPI, db: Database, settings: Settings, store: Store
) -> None:
    s = staff(app)
    described = f"我叫{NAME}，电话{PHONE}，身份证{ID_NUMBER}，楼下饭店油烟很大，联系人张先生"
    citizen = {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}
    code = intake(
        s.operator, description=described, title=f"{NAME}反映油烟", citizen=citizen, category="020101"
    )
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    assert run(db, settings, store) >= 1
    mine = [r for r in rows(store) if r["code"] == code]
    assert len(mine) == 1
    row = mine[0]
    assert row["state"] == "dispatched" and row["lead_unit"] == WANGJING
    assert row["street_code"] == "110105026" and row["category_code"] == "020101"
    assert row["caller_key"] is not None and row["address_key"] is not None
    assert row["month"] == row["local_date"].strftime("%Y-%m")
    text = f"{row['title']}{row['description']}"
    for secret in (NAME, PHONE, ID_NUMBER, "张先生"):
        assert secret not in text
    assert "油烟" in text and row["keyword"] == "油烟"
    assert not {k for k in row if any(p in k for p in ("name", "phone", "id_number", "address\b"))}
    events = [e for e in rows(store, "events") if e["case_id"] == row["case_id"]]
    assert [e["action"] for e in sorted(events, key=lambda e: e["seq"])][-1] == "dispatch"


def test_sync_is_incremental_and_idempotent(
    app: FastAPI, db: Database, settings: Settings, store: Store
) -> None:
    s = staff(app)
    codes = [intake(s.operator, title=f"噪音扰民{i}") for i in range(3)]
    run(db, settings, store)
    first = rows(store)
    assert run(db, settings, store) == 0  # nothing changed: nothing taken
    assert run(db, settings, store) == 0
    assert len(rows(store)) == len(first)
    assert len({r["case_id"] for r in first}) == len(first)
    assert {r["code"] for r in first} >= set(codes)

    act(s.dispatcher, codes[0], "dispatch", lead_unit=WANGJING)
    act(s.street, codes[0], "sign")
    assert run(db, settings, store) == 1  # only the case that changed
    after = rows(store)
    assert len(after) == len(first)  # replaced, not appended
    changed = next(r for r in after if r["code"] == codes[0])
    assert changed["state"] == "signed"
    events = [e for e in rows(store, "events") if e["case_id"] == changed["case_id"]]
    assert len(events) == len({e["event_id"] for e in events}) == 3  # intake, dispatch, sign


def test_a_lost_mark_resyncs_without_duplicates(
    app: FastAPI, db: Database, settings: Settings, store: Store
) -> None:
    s = staff(app)
    intake(s.operator)
    run(db, settings, store)
    count = len(rows(store))
    (store.root / "_state.json").unlink()  # as after a crash before the mark was written
    assert run(db, settings, store) == count
    assert len(rows(store)) == count
    assert len({r["case_id"] for r in rows(store)}) == count


def test_confidential_cases_keep_numbers_but_not_text(
    app: FastAPI, db: Database, session: Session, settings: Settings, store: Store
) -> None:
    s = staff(app)
    code = intake(s.operator, confidential=True, title="保密举报内容")
    run(db, settings, store)
    row = next(r for r in rows(store) if r["code"] == code)
    assert row["title"] is None and row["description"] is None
    assert session.scalar(select(Case.confidential).where(Case.code == code)) is True


def test_one_writer_at_a_time(db: Database, settings: Settings, store: Store) -> None:
    with store.writing(), pytest.raises(Conflict):
        sync(db, settings, store, settle_seconds=0)


def test_the_server_task_syncs_and_steps_aside_for_a_running_sync(
    app: FastAPI, db: Database, settings: Settings, store: Store
) -> None:
    from zhili.analytics import tasks

    intake(staff(app).operator)
    settled = settings.model_copy(update={"analytics_sync_minutes": 1})
    with store.writing():
        assert tasks.sync_once(db, settled, 0) is None  # the CLI holds the store: the server waits
    report = tasks.sync_once(db, settled, 0)
    assert report is not None and report.cases >= 1
    assert run(db, settings, store) == 0  # nothing left for the next run
