"""``zhili analytics sync``: keep the Parquet store in step with the operational database.

Incremental: the store remembers a high-water mark ``(updated_at, id)`` of the last case it copied, and
each run takes the cases changed since, in ``updated_at, id`` order, in batches. Every action on a case
moves its ``updated_at``, so a case that changed state is taken again.

Idempotent: a batch first removes every row of its cases (and their events) from the month files that
hold them, then writes the fresh rows, then moves the mark. A case's month is fixed by its received
time, which never changes, so only those months are touched. A crash before the mark moves repeats the
batch, which removes what it had written and writes it again: rows are never duplicated.

Personal data never enters the store: the citizen's name, phone and ID number are read only to be
scrubbed out of the title and description (``text.scrub``); the caller and the address enter as keyed
digests. 保密 cases keep their numbers but lose their text.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import h3
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zhili.analytics import rollup_build, text
from zhili.analytics.channel_sync import sync_channels
from zhili.analytics.store import Store
from zhili.analytics.store_schema import CASE_SCHEMA, CASES, EVENT_SCHEMA, EVENTS
from zhili.analytics.writers import TABLE_WRITERS, add_table_writer
from zhili.auth.service import system_actor
from zhili.cases.models import Case, CaseEvent
from zhili.cases.repository import readable_cases
from zhili.db import Database
from zhili.kernel.clock import as_aware, local_zone
from zhili.kernel.crypto import PersonalDataCipher, cipher_for
from zhili.settings import Settings
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

log = logging.getLogger(__name__)
SYNC_ACTOR = "analytics"
BATCH = 20_000
SETTLE_SECONDS = 10.0
OVERDUE_ACTIONS = frozenset({"sweep_overdue"})
_KEY_BITS = 62


@dataclass
class SyncReport:
    cases: int = 0
    events: int = 0
    batches: int = 0
    files_rewritten: int = 0
    high_water: tuple[str, int] | None = None
    months: set[str] = field(default_factory=set)
    channels: dict[str, int] = field(default_factory=dict)  # 信访 matters and disputes rewritten

    def counts(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "events": self.events,
            "batches": self.batches,
            "files_rewritten": self.files_rewritten,
            "months": sorted(self.months),
            "channels": self.channels,
        }


def digest_key(value: str | None, salt: bytes) -> int | None:
    """A keyed 62-bit digest: equal inputs give equal keys, and keys reveal nothing of the input."""
    if not value:
        return None
    raw = hashlib.blake2b(value.encode("utf-8"), key=salt[:64], digest_size=8).digest()
    return int.from_bytes(raw, "big") >> (64 - _KEY_BITS)


_CASE_COLUMNS = (
    Case.id,
    Case.code,
    Case.received_at,
    Case.demand_type,
    Case.urgency,
    Case.channel,
    Case.state,
    Case.category_id,
    Case.division_code,
    Case.district_code,
    Case.street_code,
    Case.community_code,
    Case.h3_cell,
    Case.address,
    Case.citizen_phone_digest,
    Case.citizen_name_enc,
    Case.citizen_phone_enc,
    Case.citizen_id_number_enc,
    Case.confidential,
    Case.lead_unit_id,
    Case.title,
    Case.description,
    Case.dispatched_at,
    Case.reported_at,
    Case.closed_at,
    Case.overdue,
    Case.return_count,
    Case.reopen_count,
    Case.visit_solved,
    Case.satisfaction,
    Case.closure_kind,
    Case.updated_at,
)


class _Lookups:
    def __init__(self, session: Session, cipher: PersonalDataCipher, settings: Settings) -> None:
        self.categories = dict(session.execute(select(Category.id, Category.code)).all())
        self.keywords: dict[str, list[str]] = {}
        for code, words in session.execute(select(Category.code, Category.keywords)):
            self.keywords[code] = [w for w in (words or "").split(";") if w]
        self.units = dict(session.execute(select(Unit.id, Unit.code)).all())
        self.cipher = cipher
        self.tz = local_zone(settings.timezone)
        self.salt = hashlib.sha256(("zhili-analytics:" + settings.secret_key).encode()).digest()

    def words_for(self, code: str | None) -> list[str]:
        if not code:
            return []
        words: list[str] = []
        for length in (len(code), 4, 2):
            words += [w for w in self.keywords.get(code[:length], []) if w not in words]
        return words


def _case_row(row: Any, look: _Lookups) -> dict[str, Any]:
    received = as_aware(row.received_at)
    local = received.astimezone(look.tz)
    category = look.categories.get(row.category_id) if row.category_id else None
    known = [
        look.cipher.decrypt(row.citizen_name_enc),
        look.cipher.decrypt(row.citizen_phone_enc),
        look.cipher.decrypt(row.citizen_id_number_enc),
    ]
    if row.confidential:
        title = description = None
    else:
        title = text.scrub(row.title, known)
        description = text.scrub(row.description, known)
    done = row.reported_at or row.closed_at
    handle = (as_aware(done) - received).total_seconds() / 3600 if done else None
    keyword = text.best_keyword(f"{title or ''}{description or ''}", look.words_for(category))
    return {
        "case_id": row.id,
        "code": row.code,
        "received_at": received,
        "local_date": local.date(),
        "local_hour": local.hour,
        "demand_type": str(row.demand_type),
        "urgency": str(row.urgency),
        "channel": str(row.channel),
        "state": str(row.state),
        "category_code": category,
        "category_l1": category[:2] if category else None,
        "division_code": row.division_code,
        "district_code": row.district_code,
        "street_code": row.street_code,
        "community_code": row.community_code,
        "h3_cell": h3.str_to_int(row.h3_cell) if row.h3_cell else None,
        "address_key": digest_key(row.address, look.salt),
        "caller_key": int(row.citizen_phone_digest[:15], 16) if row.citizen_phone_digest else None,
        "lead_unit": look.units.get(row.lead_unit_id),
        "title": title,
        "description": description,
        "keyword": keyword,
        "sentiment": text.sentiment(description),
        "dispatched_at": as_aware(row.dispatched_at) if row.dispatched_at else None,
        "closed_at": as_aware(row.closed_at) if row.closed_at else None,
        "handle_hours": handle,
        "overdue": bool(row.overdue),
        "return_count": row.return_count or 0,
        "reopen_count": row.reopen_count or 0,
        "visit_solved": row.visit_solved,
        "satisfaction": str(row.satisfaction) if row.satisfaction else None,
        "closure_kind": str(row.closure_kind) if row.closure_kind else None,
        "updated_at": as_aware(row.updated_at),
    }


def _changed_since(mark: tuple[datetime, int] | None, settled: datetime, limit: int) -> Any:
    statement = readable_cases(system_actor(SYNC_ACTOR)).with_only_columns(*_CASE_COLUMNS)
    statement = statement.where(Case.updated_at <= settled)
    if mark is not None:
        at, case_id = mark
        statement = statement.where(or_(Case.updated_at > at, and_(Case.updated_at == at, Case.id > case_id)))
    return statement.order_by(Case.updated_at, Case.id).limit(limit)


def _events_of(session: Session, case_ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(case_ids), 5000):
        chunk = case_ids[start : start + 5000]
        rows += session.execute(
            select(
                CaseEvent.id,
                CaseEvent.case_id,
                CaseEvent.seq,
                CaseEvent.action,
                CaseEvent.from_state,
                CaseEvent.to_state,
                CaseEvent.actor_role,
                CaseEvent.at,
            ).where(CaseEvent.case_id.in_(chunk))
        ).all()
    return rows


def _remove(store: Store, table: str, month: str, ids: pa.Array, report: SyncReport) -> None:
    for path in store.files(table, month):
        present = pq.read_table(path, columns=["case_id"]).column("case_id")
        hit = pc.is_in(present, value_set=ids)
        if pc.any(hit).as_py():
            keep = pq.read_table(path).filter(pc.invert(hit))
            store.replace(path, keep, table)
            report.files_rewritten += 1


def _apply(store: Store, cases: list[dict[str, Any]], events: list[Any], report: SyncReport) -> None:
    month_of = {c["case_id"]: f"{c['local_date']:%Y-%m}" for c in cases}
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cases:
        by_month[month_of[c["case_id"]]].append(c)
    events_by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    overdue_cases: set[int] = set()
    for e in events:
        if e.action in OVERDUE_ACTIONS:
            overdue_cases.add(e.case_id)
        events_by_month[month_of[e.case_id]].append(
            {
                "event_id": e.id,
                "case_id": e.case_id,
                "seq": e.seq,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor_role": e.actor_role,
                "at": as_aware(e.at),
            }
        )
    for month, rows in by_month.items():
        for row in rows:
            row["overdue"] = row["overdue"] or row["case_id"] in overdue_cases
        ids = pa.array([r["case_id"] for r in rows], type=pa.int64())
        _remove(store, CASES, month, ids, report)
        _remove(store, EVENTS, month, ids, report)
        store.write(CASES, month, pa.Table.from_pylist(rows, schema=_plain(CASE_SCHEMA)))
        store.write(
            EVENTS, month, pa.Table.from_pylist(events_by_month.get(month, []), schema=_plain(EVENT_SCHEMA))
        )
        report.months.add(month)


def _plain(schema: pa.Schema) -> pa.Schema:
    """The schema with dictionary columns as plain strings (for building from Python rows)."""
    return pa.schema(
        [pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type) for f in schema]
    )


def sync(
    database: Database,
    settings: Settings,
    store: Store,
    *,
    batch: int = BATCH,
    settle_seconds: float = SETTLE_SECONDS,
) -> SyncReport:
    """Copy the cases changed since the last run (and their events) into the store.

    Only cases last changed at least ``settle_seconds`` ago are taken: a transaction still open when
    the mark passes its ``updated_at`` would otherwise be missed.
    """
    report = SyncReport()
    settled = datetime.now(UTC) - timedelta(seconds=settle_seconds)
    cipher = cipher_for(settings.data_key, settings.secret_key)
    with store.writing(), database.session(write=False) as session:
        state = store.read_state()
        mark: tuple[datetime, int] | None = None
        if state.get("high_water"):
            at, case_id = state["high_water"]
            mark = (datetime.fromisoformat(at), int(case_id))
        look = _Lookups(session, cipher, settings)
        while True:
            rows = session.execute(_changed_since(mark, settled, batch)).all()
            if not rows:
                break
            cases = [_case_row(row, look) for row in rows]
            events = _events_of(session, [c["case_id"] for c in cases])
            _apply(store, cases, events, report)
            last = rows[-1]
            mark = (as_aware(last.updated_at).astimezone(UTC), last.id)
            state = {
                **state,
                "high_water": [mark[0].isoformat(), mark[1]],
                "synced_at": datetime.now(UTC).isoformat(),
            }
            store.write_state(state)
            report.cases += len(cases)
            report.events += len(events)
            report.batches += 1
            session.expunge_all()
        if report.months:
            rollup_build.rebuild(store, report.months)
        report.channels = sync_channels(session, store, cipher, look.tz)
        for table, writer in TABLE_WRITERS.items():
            report.channels[table] = writer(session, store, cipher, look.tz)
        if mark is not None:
            report.high_water = (mark[0].isoformat(), mark[1])
    return report


__all__ = ["SyncReport", "add_table_writer", "digest_key", "sync"]
