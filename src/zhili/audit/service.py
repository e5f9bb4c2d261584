"""Append to and verify the hash-chained audit log.

``record`` runs inside the caller's transaction, so an audited write and its audit entry commit or
roll back together. Details must never carry personal data (names, phones, ID numbers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from zhili.audit.models import AuditEntry, AuditHead
from zhili.kernel.clock import as_aware, utcnow

GENESIS_HASH = "0" * 64
HEAD_ID = 1


class _Row(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=_Row)


def _canonical(entry: Any) -> bytes:
    payload = {
        "seq": entry.seq,
        "at": as_aware(entry.at).astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "client_ip": entry.client_ip,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: Any) -> str:
    """The hash of an entry (an AuditEntry or a row with the same columns)."""
    return hashlib.sha256(_canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Appended:
    """What ``record`` wrote: the entry's place in the chain."""

    seq: int
    prev_hash: str
    hash: str


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    target_type: str | None = None,
    target_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
    client_ip: str | None = None,
    at: datetime | None = None,
) -> Appended:
    """Append one entry. The head row is locked, so concurrent writers queue up.

    Core statements on the session's connection rather than ORM objects or ORM-enabled statements:
    every audited write pays for this, intake included.
    """
    connection = session.connection()
    head = connection.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
    ).one()
    values: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": (at or utcnow()).astimezone(UTC),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "client_ip": client_ip,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        "prev_hash": head.hash,
    }
    values["hash"] = entry_hash(SimpleNamespace(**values))
    connection.execute(insert(AuditEntry).values(**values))
    connection.execute(
        update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=values["seq"], hash=values["hash"])
    )
    return Appended(values["seq"], values["prev_hash"], values["hash"])


def record_added(
    session: Session, row: RowT, *, actor: str, action: str, target_type: str, detail: dict[str, Any]
) -> RowT:
    """Add a new row, flush it for its id, and record its creation with that id as the target."""
    session.add(row)
    session.flush()
    record(session, actor=actor, action=action, target_type=target_type, target_id=row.id, detail=detail)
    return row


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


CHAIN_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.target_type,
    AuditEntry.target_id,
    AuditEntry.client_ip,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.hash,
)


def _entries(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Plain rows in batches: nothing enters the session's identity map, however long the log."""
    last = 0
    while True:
        rows = session.execute(
            select(*CHAIN_COLUMNS).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(session: Session) -> VerifyResult:
    """Walk the chain; report the first entry that was altered, or the first gap left by a deletion."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"第 {expected_seq} 条记录缺失（已被删除）")
        if entry.prev_hash != expected_prev:
            return VerifyResult(checked, entry.seq, f"第 {entry.seq} 条记录与前一条的哈希不连续")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(checked, entry.seq, f"第 {entry.seq} 条记录内容被篡改（哈希不符）")
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return VerifyResult(checked, checked + 1, f"链尾缺失：最后 {head.seq - checked} 条记录已被删除")
    return VerifyResult(checked)
