"""The analytical store gains the suggestions, scrubbed: no code, no name, no phone in any column,
even when the suggester typed them into the text."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from suggestions.accounts import REVIEWER, citizen, client, step, submit
from zhili.analytics.service import store_for
from zhili.analytics.store import Store
from zhili.analytics.store_schema import SUGGESTIONS
from zhili.analytics.sync import sync
from zhili.cases.context import CaseContext
from zhili.settings import Settings
from zhili.suggestions.store import write_store
from zhili.wiring import wire

NAME = "郑十一"
PHONE = "13511112468"


def test_the_store_gets_suggestions_without_personal_data(
    app: Any, session: Session, settings: Settings, tmp_path: Path
) -> None:
    reviewer = client(app, REVIEWER)
    browser = citizen(app)
    typed = f"我是{NAME}，电话{PHONE}。建议在社区增设快递柜，方便上班族取件，减少快递堆放在楼道。"
    code = submit(browser, name=NAME, phone=PHONE, content=typed)["code"]
    other = submit(browser)["code"]
    step(reviewer, code, "review")
    step(reviewer, code, "adopt", text="可行")
    store = Store(tmp_path / "store")
    ctx = CaseContext.for_settings(settings)
    assert write_store(session, store, ctx.cipher, ZoneInfo(settings.timezone)) == 2
    assert write_store(session, store, ctx.cipher, ZoneInfo(settings.timezone)) == 2  # replaced, not added
    files = store.files(SUGGESTIONS)
    table = pq.ParquetDataset([str(f) for f in files]).read()
    assert table.num_rows == 2
    flat = str(table.to_pylist())
    for secret in (NAME, PHONE, PHONE[-8:], code, other):
        assert secret not in flat, secret
    rows = {r["state"]: r for r in table.to_pylist()}
    assert rows["adopted"]["adopted"] is True and rows["adopted"]["district"] == "110105"
    assert "快递柜" in rows["adopted"]["content"]


def test_each_analytics_sync_rewrites_the_suggestions(app: Any, db: Any, settings: Settings) -> None:
    """Wired as in every process: the sync the worker runs keeps the suggestions table current."""
    wire()
    browser = citizen(app)
    submit(browser, name=NAME, phone=PHONE)
    database = db
    store = store_for(settings)
    report = sync(database, settings, store, settle_seconds=0)
    assert report.channels[SUGGESTIONS] == 1
    submit(browser)
    assert sync(database, settings, store, settle_seconds=0).channels[SUGGESTIONS] == 2
    table = pq.ParquetDataset([str(f) for f in store.files(SUGGESTIONS)]).read()
    assert table.num_rows == 2 and NAME not in str(table.to_pylist())


def test_every_column_is_documented_in_order() -> None:
    import re

    from zhili.analytics.store_schema import PARTITION, SUGGESTION_SCHEMA

    doc = (Path(__file__).resolve().parents[2] / "docs" / "spark-trino.md").read_text(encoding="utf-8")
    section = doc.split("### `suggestions`", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.M) == [*SUGGESTION_SCHEMA.names, PARTITION]
