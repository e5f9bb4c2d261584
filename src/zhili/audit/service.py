"""Append to and verify the keyed, hash-chained audit log.

``record`` runs inside the caller's transaction, so an audited write and its audit entry commit or
roll back together. Details must never carry personal data (names, phones, ID numbers).

A read that is audited (a person-level record, a certificate) runs in a read transaction. On SQLite
that transaction cannot take the write lock once it has read: another writer may have committed since
its snapshot, and SQLite then answers "database is locked" at once instead of waiting. There the entry
is appended beside the read, in its own short write transaction (which waits its turn like any
writer), before the read returns its data: the read never fails on the lock, and is never served
unaudited.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zhili.audit.anchors import HEAD_ID, Anchor
from zhili.audit.chain import LEGACY, ChainKey, chain_key, entry_hash, legacy_hash
from zhili.audit.models import AuditEntry, AuditHead
from zhili.db import WRITE_OPTION
from zhili.kernel.clock import utcnow

GENESIS_HASH = "0" * 64
SEAL_ACTION = "audit.seal"
BESIDE_ATTEMPTS = 4
log = logging.getLogger(__name__)

__all__ = ["GENESIS_HASH", "HEAD_ID", "Appended", "VerifyResult", "entry_hash", "record", "seal", "verify"]


class _Row(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=_Row)


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
    values: dict[str, Any] = {
        "at": (at or utcnow()).astimezone(UTC),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": None if target_id is None else str(target_id),
        "client_ip": client_ip,
        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
    }
    if _reads_only_on_sqlite(session):
        return _append_beside(session, values)
    return _append(session.connection(), values)


# Built once: a statement with literal values is coerced column by column on every call, and every
# audited write (intake included) pays for that while it holds the chain's lock.
_HEAD_FOR_UPDATE = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
_INSERT_ENTRY = insert(AuditEntry)
_MOVE_HEAD = (
    update(AuditHead)
    .where(AuditHead.id == HEAD_ID)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"), mac=bindparam("new_mac"))
)


def _append(connection: Connection, values: dict[str, Any]) -> Appended:
    """Lock the head, insert the entry, move the head: three statements, nothing else under the lock."""
    key = chain_key()
    head = connection.execute(_HEAD_FOR_UPDATE).one()
    row = {**values, "seq": head.seq + 1, "prev_hash": head.hash, "scheme": key.scheme}
    row["hash"] = key.entry_hash(SimpleNamespace(**row))
    connection.execute(_INSERT_ENTRY, row)
    mac = key.head_mac(row["seq"], row["hash"])
    connection.execute(_MOVE_HEAD, {"new_seq": row["seq"], "new_hash": row["hash"], "new_mac": mac})
    return Appended(row["seq"], row["prev_hash"], row["hash"])


def _reads_only_on_sqlite(session: Session) -> bool:
    """A request's read transaction on a SQLite file (not a test's shared connection)."""
    bind = session.get_bind()
    if isinstance(bind, Connection) or bind.dialect.name != "sqlite":
        return False
    return not session.connection().get_execution_options().get(WRITE_OPTION, False)


def _append_beside(session: Session, values: dict[str, Any]) -> Appended:
    """Append in a short write transaction of its own, retried if SQLite still reports the lock."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)  # a session bound to a connection never gets here
    for attempt in range(1, BESIDE_ATTEMPTS + 1):
        try:
            with engine.connect() as connection:
                connection = connection.execution_options(**{WRITE_OPTION: True})
                with connection.begin():
                    return _append(connection, values)
        except OperationalError:
            if attempt == BESIDE_ATTEMPTS:
                raise
            log.warning("audit append beside a read: database busy, attempt %s", attempt)
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def seal(session: Session) -> Appended | None:
    """Cover entries written before the chain was keyed with a keyed entry (``zhili init`` calls it).

    Nothing to do when the newest entry is keyed already, or the log is empty.
    """
    head = session.execute(select(AuditHead.seq).where(AuditHead.id == HEAD_ID)).scalar_one()
    if head == 0:
        return None
    newest = session.execute(select(AuditEntry.scheme).where(AuditEntry.seq == head)).scalar_one_or_none()
    if newest != LEGACY:
        return None
    return record(session, actor="system", action=SEAL_ACTION, detail={"sealed_entries": head})


def record_added(
    session: Session,
    row: RowT,
    *,
    actor: str,
    action: str,
    target_type: str,
    detail: dict[str, Any] | None = None,
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
    anchors: int = 0
    anchored_seq: int = 0

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
    AuditEntry.scheme,
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


def _entry_fault(entry: Any, key: ChainKey, keyed_seen: bool) -> str | None:
    seq = entry.seq
    if entry.scheme == LEGACY:
        if keyed_seen:
            return f"第 {seq} 条记录被降级为无密钥哈希（其前已有密钥链）"
        if legacy_hash(entry) != entry.hash:
            return f"第 {seq} 条记录内容被篡改（哈希不符）"
    elif entry.scheme != key.scheme:
        return (
            f"第 {seq} 条记录的哈希方案为 {entry.scheme}，当前密钥为 {key.scheme}："
            "记录被伪造，或审计密钥已更换（ZHILI_AUDIT_KEY / ZHILI_SECRET_KEY）"
        )
    elif key.entry_hash(entry) != entry.hash:
        return f"第 {seq} 条记录内容被篡改（密钥哈希不符）"
    return None


def _named(anchor: Anchor) -> str:
    return anchor.source or "锚点"


def verify(session: Session, anchors: Sequence[Anchor] = (), key: ChainKey | None = None) -> VerifyResult:
    """Walk the chain with the key; report the first entry that was altered, the first gap left by a
    deletion, a head that was moved, and any anchor that the chain no longer holds."""
    key = key or chain_key()
    for anchor in anchors:
        if not anchor.signed_by(key):
            reason = f"{_named(anchor)}签名不符：锚点被伪造或改动，或密钥已更换"
            return VerifyResult(0, anchor.seq, reason)
    pinned: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        pinned.setdefault(anchor.seq, []).append(anchor)
    expected_prev, expected_seq, checked, keyed_seen = GENESIS_HASH, 1, 0, False
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return VerifyResult(checked, expected_seq, f"第 {expected_seq} 条记录缺失（已被删除）")
        if entry.prev_hash != expected_prev:
            return VerifyResult(checked, entry.seq, f"第 {entry.seq} 条记录与前一条的哈希不连续")
        fault = _entry_fault(entry, key, keyed_seen)
        if fault is not None:
            return VerifyResult(checked, entry.seq, fault)
        for anchor in pinned.get(entry.seq, ()):
            if anchor.hash != entry.hash:
                reason = f"第 {entry.seq} 条记录与{_named(anchor)}（{anchor.at}）不符：此前的记录被改写"
                return VerifyResult(checked, entry.seq, reason)
        keyed_seen = keyed_seen or entry.scheme != LEGACY
        expected_prev = entry.hash
        expected_seq += 1
        checked += 1
    return _check_head(session, key, VerifyResult(checked), expected_prev, keyed_seen, anchors)


def _check_head(
    session: Session, key: ChainKey, result: VerifyResult, tail: str, keyed: bool, anchors: Sequence[Anchor]
) -> VerifyResult:
    checked = result.checked
    head = session.get(AuditHead, HEAD_ID)
    if head is None:
        return VerifyResult(checked, checked + 1, "链头记录 audit_head 缺失")
    if head.seq > checked:
        return VerifyResult(checked, checked + 1, f"链尾缺失：最后 {head.seq - checked} 条记录已被删除")
    if head.seq != checked or head.hash != tail:
        return VerifyResult(checked, head.seq, "链头与最后一条记录不符（链头被改写）")
    if checked and not keyed:
        return VerifyResult(checked, checked, "审计链尚未以密钥封存（全部为无密钥哈希）：请运行 zhili init")
    if keyed and head.mac != key.head_mac(head.seq, head.hash):
        return VerifyResult(checked, head.seq, "链头的密钥校验不符（链头被改写，或密钥已更换）")
    beyond = [a for a in anchors if a.seq > checked]
    if beyond:
        first = min(beyond, key=lambda a: a.seq)
        reason = f"{_named(first)}记录了第 {first.seq} 条，链中只有 {checked} 条：链被截断或回滚"
        return VerifyResult(checked, checked + 1, reason)
    anchored = max((a.seq for a in anchors), default=0)
    return VerifyResult(checked, anchors=len(anchors), anchored_seq=anchored)
