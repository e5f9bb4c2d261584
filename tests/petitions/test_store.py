"""The analytical store's 信访 and dispute tables: matter level, no person in any file — over HTTP for
the data, then the sync's own table writer, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from mediation.accounts import PARTIES
from mediation.accounts import client as mediation_client
from mediation.accounts import register as register_dispute
from petitions.accounts import client, register, step
from zhili.analytics.channel_schema import DISPUTES, PETITIONS
from zhili.analytics.channel_sync import sync_channels
from zhili.analytics.store import Store
from zhili.kernel.crypto import cipher_for


def test_the_store_holds_matters_and_disputes_without_personal_data(
    app: Any, session: Session, tmp_path: Path
) -> None:
    office, district = client(app, "office"), mediation_client(app, "district")  # sign in before writing
    title = "李四反映13900001234楼下烧烤摊扰民"
    first = register(office, title=title)
    register(office, title=title, matter_code=first["matter_code"])  # a repeat: one matter, two petitions
    step(office, first["matter_code"], "accept")
    step(office, first["matter_code"], "reply", text="已处理。")
    dispute = register_dispute(district, title="周一鸣与吴二亮漏水纠纷")

    settings = app.state.settings
    store = Store(tmp_path / "store")
    written = sync_channels(
        session, store, cipher_for(settings.data_key, settings.secret_key), ZoneInfo("Asia/Shanghai")
    )
    assert written[PETITIONS] >= 1 and written[DISPUTES] >= 1

    matters = pq.read_table(store.table_dir(PETITIONS)).to_pylist()
    mine = next(m for m in matters if m["code"] == first["matter_code"])
    assert mine["petitions"] == 2 and mine["state"] == "replied" and mine["district_code"] == "110105"
    assert "李四" not in mine["title"] and "13900001234" not in mine["title"] and "烧烤摊" in mine["title"]
    assert not {"petitioner_digest", "name", "phone", "id_number", "address"} & set(mine)
    disputes = pq.read_table(store.table_dir(DISPUTES)).to_pylist()
    theirs = next(d for d in disputes if d["code"] == dispute["code"])
    assert "周一鸣" not in theirs["title"] and "漏水纠纷" in theirs["title"]

    people = ["李四", "13900001234", "110105198001011234"]
    people += [str(p[k]) for p in PARTIES for k in ("name", "phone", "id_number") if k in p]
    for path in store.root.rglob("*.parquet"):
        raw = path.read_bytes()
        text = str(pq.read_table(path).to_pylist())
        for value in people:
            assert value.encode() not in raw and value not in text, (path, value)
