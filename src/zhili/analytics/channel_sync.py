"""The 信访 and 矛盾纠纷 tables of the analytical store, refreshed by each ``zhili analytics sync``.

They are small (a matter or a dispute per hundred demands), so each sync rewrites them whole, under
the store's lock, rather than following a high-water mark as the case table does.

``zhili.analytics`` sits below ``petitions`` and ``mediation`` in the layers, so this module reads
their tables by name (SQLAlchemy's lightweight ``table``/``column``), as the system, like the case
sync. It reads names, phones and ID numbers only to scrub them out of the titles: the rows written
carry no person at all (``channel_schema``).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import Boolean, Column, TableClause, column, func, select, table
from sqlalchemy.orm import Session

from zhili.analytics.channel_schema import CHANNEL_SCHEMAS, DISPUTES, PETITIONS
from zhili.analytics.scrubbing import scrub
from zhili.analytics.store import Store
from zhili.db import UTCDateTime
from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import PersonalDataCipher

TIMES = frozenset({"received_at", "decided_at", "replied_at", "concluded_at"})
FLAGS = frozenset({"decided_on_time", "replied_on_time", "extended", "performed"})


def _table(name: str, *names: str) -> TableClause:
    def typed(n: str) -> Any:
        return UTCDateTime() if n in TIMES else Boolean() if n in FLAGS else None

    return table(name, *(column(n, typed(n)) for n in names))


MATTERS = _table(
    "petition_matters", "id", "code", "received_at", "category", "division_code", "office_unit_id",
    "handling_unit_id", "state", "decided_at", "decided_on_time", "replied_at", "replied_on_time",
    "extended", "concluded_at", "satisfaction", "leader_user_id", "petitions", "title",
)  # fmt: skip
ITEMS = _table("petitions", "id", "matter_id", "channel", "name_enc", "phone_enc", "id_number_enc")
UNITS = _table("units", "id", "code")
DISPUTE_ROWS = _table(
    "disputes", "id", "code", "received_at", "kind", "source", "track", "state", "division_code",
    "outcome", "concluded_at", "confirmation", "performed", "title",
)  # fmt: skip
PARTIES = _table("dispute_parties", "dispute_id", "name_enc", "phone_enc", "id_number_enc")
SESSIONS = _table("dispute_sessions", "dispute_id")


def _c(t: TableClause, name: str) -> Column[Any]:
    return t.c[name]  # type: ignore[return-value]


def _known(session: Session, t: TableClause, key: str, cipher: PersonalDataCipher) -> dict[int, list[str]]:
    """The people of each matter or dispute, decrypted only to be scrubbed out of its title."""
    known: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(select(_c(t, key), _c(t, "name_enc"), _c(t, "phone_enc"), _c(t, "id_number_enc")))
    for owner, *sealed in rows:
        known[int(owner)] += [v for v in (cipher.decrypt(s) for s in sealed) if v]
    return known


def _aware(value: Any) -> Any:
    return as_aware(value) if value is not None else None


def _petition_rows(session: Session, cipher: PersonalDataCipher, tz: ZoneInfo) -> list[dict[str, Any]]:
    units = dict(session.execute(select(_c(UNITS, "id"), _c(UNITS, "code"))).all())
    first = {
        int(matter): channel
        for matter, channel in session.execute(
            select(_c(ITEMS, "matter_id"), _c(ITEMS, "channel")).order_by(_c(ITEMS, "id").desc())
        )
    }
    known = _known(session, ITEMS, "matter_id", cipher)
    rows = []
    for m in session.execute(select(MATTERS)).mappings():
        received = as_aware(m["received_at"])
        rows.append(
            {
                "matter_id": m["id"],
                "code": m["code"],
                "received_at": received,
                "local_date": received.astimezone(tz).date(),
                "channel": first.get(int(m["id"])),
                "petitions": m["petitions"],
                "category_code": m["category"],
                "division_code": m["division_code"],
                "district_code": str(m["division_code"])[:6],
                "office_unit": units.get(m["office_unit_id"]),
                "handling_unit": units.get(m["handling_unit_id"]),
                "state": m["state"],
                "decided_at": _aware(m["decided_at"]),
                "decided_on_time": m["decided_on_time"],
                "replied_at": _aware(m["replied_at"]),
                "replied_on_time": m["replied_on_time"],
                "extended": bool(m["extended"]),
                "concluded_at": _aware(m["concluded_at"]),
                "satisfaction": m["satisfaction"],
                "led": m["leader_user_id"] is not None,
                "title": scrub(m["title"], known.get(int(m["id"]), [])),
            }
        )
    return rows


def _dispute_rows(session: Session, cipher: PersonalDataCipher, tz: ZoneInfo) -> list[dict[str, Any]]:
    sessions: dict[Any, int] = dict(
        session.execute(
            select(_c(SESSIONS, "dispute_id"), func.count()).group_by(_c(SESSIONS, "dispute_id"))
        ).all()
    )
    known = _known(session, PARTIES, "dispute_id", cipher)
    rows = []
    for d in session.execute(select(DISPUTE_ROWS)).mappings():
        received = as_aware(d["received_at"])
        rows.append(
            {
                "dispute_id": d["id"],
                "code": d["code"],
                "received_at": received,
                "local_date": received.astimezone(tz).date(),
                "kind": d["kind"],
                "source": d["source"],
                "track": d["track"],
                "state": d["state"],
                "division_code": d["division_code"],
                "district_code": str(d["division_code"])[:6],
                "sessions": int(sessions.get(d["id"], 0)),
                "outcome": d["outcome"],
                "concluded_at": _aware(d["concluded_at"]),
                "confirmation": d["confirmation"],
                "performed": d["performed"],
                "title": scrub(d["title"], known.get(int(d["id"]), [])),
            }
        )
    return rows


def _rewrite(store: Store, name: str, rows: list[dict[str, Any]]) -> int:
    shutil.rmtree(store.table_dir(name), ignore_errors=True)
    plain = pa.schema(
        [
            pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
            for f in CHANNEL_SCHEMAS[name]
        ]
    )
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_month[f"{row['local_date']:%Y-%m}"].append(row)
    for month, chunk in by_month.items():
        store.write(name, month, pa.Table.from_pylist(chunk, schema=plain))
    return len(rows)


def sync_channels(session: Session, store: Store, cipher: PersonalDataCipher, tz: ZoneInfo) -> dict[str, int]:
    """Rewrite the two tables from the database (the caller holds the store's write lock)."""
    return {
        PETITIONS: _rewrite(store, PETITIONS, _petition_rows(session, cipher, tz)),
        DISPUTES: _rewrite(store, DISPUTES, _dispute_rows(session, cipher, tz)),
    }
