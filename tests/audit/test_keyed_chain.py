"""Issue 16 item 21: the audit chain could be rewritten undetected. Editing entry 100 and recomputing
every following hash with plain SHA-256 passed ``audit verify``, because the hash was unkeyed and the
head lived in the same database.

Now the hash is keyed, the head carries a MAC, and anchors kept outside the database pin the chain:
an insider without the key fails at the edited entry; one with the key fails at the first anchor after
the edit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from zhili.audit import anchors, service
from zhili.audit.chain import LEGACY, ChainKey, _chain_key, canonical, chain_key
from zhili.audit.models import AuditEntry, AuditHead
from zhili.db import Database
from zhili.kernel.clock import utcnow

Hasher = Callable[[Any], str]


def _append(session: Session, n: int) -> list[int]:
    return [
        service.record(session, actor="tester", action="test.write", target_id=i, detail={"i": i}).seq
        for i in range(n)
    ]


def _rows_from(session: Session, seq: int) -> list[Any]:
    rows = session.execute(select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)).scalars()
    return [SimpleNamespace(**{c.key: getattr(r, c.key) for c in AuditEntry.__table__.columns}) for r in rows]


def rewrite(
    session: Session,
    seq: int,
    detail: str,
    hasher: Hasher,
    *,
    scheme: str | None = None,
    head_mac: Callable[[int, str], str | None] | None = None,
) -> None:
    """What an insider with database access does: edit entry ``seq``, then recompute the hash of it and
    of every entry after it (and the head), so that each link holds again."""
    prev = None
    for row in _rows_from(session, seq):
        if prev is not None:
            row.prev_hash = prev
        if row.seq == seq:
            row.detail = detail
        if scheme is not None:
            row.scheme = scheme
        row.hash = hasher(row)
        session.execute(
            update(AuditEntry)
            .where(AuditEntry.seq == row.seq)
            .values(detail=row.detail, prev_hash=row.prev_hash, hash=row.hash, scheme=row.scheme)
        )
        prev = row.hash
    last = session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
    values: dict[str, Any] = {"seq": last, "hash": prev}
    if head_mac is not None:
        values["mac"] = head_mac(last, str(prev))
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(**values))
    session.expire_all()


def plain_sha256(row: Any) -> str:
    return hashlib.sha256(canonical(row, keyed=row.scheme != LEGACY)).hexdigest()


def test_editing_entry_100_and_recomputing_with_sha256_is_caught_at_entry_100(session: Session) -> None:
    seqs = _append(session, 120)
    target = seqs[99]
    assert service.verify(session).ok
    rewrite(session, target, '{"i": "forged"}', plain_sha256)
    result = service.verify(session)
    assert not result.ok and result.broken_seq == target
    assert "密钥哈希不符" in (result.reason or "")


def test_relabelling_the_rewritten_entries_as_plain_sha256_is_a_downgrade(session: Session) -> None:
    seqs = _append(session, 120)
    target = seqs[99]
    rewrite(session, target, '{"i": "forged"}', plain_sha256, scheme=LEGACY)
    result = service.verify(session)
    assert result.broken_seq == target and "降级" in (result.reason or "")


def test_recomputing_everything_with_a_guessed_key_is_caught(session: Session) -> None:
    seqs = _append(session, 5)
    guessed = _chain_key("", "some-other-secret-" + "x" * 32)
    rewrite(session, seqs[2], '{"i": "forged"}', guessed.entry_hash, head_mac=guessed.head_mac)
    result = service.verify(session)
    assert not result.ok and result.broken_seq is not None and result.broken_seq <= seqs[2]


def test_truncating_the_tail_and_moving_the_head_without_the_key_is_caught(session: Session) -> None:
    seqs = _append(session, 5)
    session.execute(delete(AuditEntry).where(AuditEntry.seq > seqs[2]))
    kept = session.execute(select(AuditEntry.hash).where(AuditEntry.seq == seqs[2])).scalar_one()
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seqs[2], hash=kept))
    session.expire_all()
    result = service.verify(session)
    assert not result.ok and "链头" in (result.reason or "")


def test_a_deleted_head_is_caught(session: Session) -> None:
    _append(session, 2)
    session.execute(delete(AuditHead))
    session.expire_all()
    assert "audit_head" in (service.verify(session).reason or "")


def test_with_the_key_history_before_an_anchor_cannot_be_rewritten(session: Session) -> None:
    key = chain_key()
    seqs = _append(session, 30)
    anchor = anchors.of_head(session, key)
    assert anchor is not None and anchor.seq == seqs[-1]
    more = _append(session, 10)
    rewrite(session, seqs[9], '{"i": "forged"}', key.entry_hash, head_mac=key.head_mac)
    assert service.verify(session).ok  # the key alone lets an insider rewrite everything...
    result = service.verify(session, [anchor])
    assert not result.ok and result.broken_seq == anchor.seq  # ...but not past an anchor
    assert "锚点" in (result.reason or "") and "改写" in (result.reason or "")
    # after the last anchor the key holder is not caught: that is what frequent anchors are for
    later = anchors.of_head(session, key)
    assert later is not None and later.seq == more[-1]
    assert service.verify(session, [later]).ok


def test_with_the_key_truncating_below_an_anchor_is_caught(session: Session) -> None:
    key = chain_key()
    seqs = _append(session, 10)
    anchor = anchors.of_head(session, key)
    assert anchor is not None
    session.execute(delete(AuditEntry).where(AuditEntry.seq > seqs[4]))
    kept = session.execute(select(AuditEntry.hash).where(AuditEntry.seq == seqs[4])).scalar_one()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=seqs[4], hash=kept, mac=key.head_mac(seqs[4], kept))
    )
    session.expire_all()
    assert service.verify(session).ok
    result = service.verify(session, [anchor])
    assert not result.ok and "截断" in (result.reason or "")


def test_a_forged_anchor_is_refused(session: Session) -> None:
    _append(session, 3)
    real = anchors.of_head(session, chain_key())
    assert real is not None
    forged = anchors.Anchor(real.seq, "f" * 64, real.at, real.mac, "锚点文件第 1 行")
    result = service.verify(session, [forged])
    assert not result.ok and "签名不符" in (result.reason or "")


def test_anchor_file_round_trip_and_an_edited_line(session: Session, tmp_path: Path) -> None:
    _append(session, 3)
    path = tmp_path / "anchors" / "audit-anchors.jsonl"
    first = anchors.of_head(session, chain_key())
    assert first is not None
    anchors.append(path, first)
    _append(session, 2)
    second = anchors.of_head(session, chain_key())
    assert second is not None
    anchors.append(path, second)
    read = anchors.read(path)
    assert [a.seq for a in read] == [first.seq, second.seq]
    result = service.verify(session, read)
    assert result.ok and result.anchors == 2 and result.anchored_seq == second.seq
    path.write_text(path.read_text().replace(f'"seq":{second.seq}', f'"seq":{second.seq - 1}'))
    assert "第 2 行" in (service.verify(session, anchors.read(path)).reason or "")
    path.write_text("not json\n")
    with pytest.raises(anchors.AnchorError):
        anchors.read(path)


def _legacy_entry(session: Session, detail: str) -> int:
    """An entry as zhili wrote them before the key: plain SHA-256, head without a MAC."""
    head = session.execute(select(AuditHead.seq, AuditHead.hash)).one()
    row = SimpleNamespace(
        seq=head.seq + 1,
        at=utcnow(),
        actor="legacy",
        action="test.legacy",
        target_type=None,
        target_id=None,
        client_ip=None,
        detail=detail,
        prev_hash=head.hash,
        scheme=LEGACY,
    )
    row.hash = hashlib.sha256(canonical(row, keyed=False)).hexdigest()  # type: ignore[attr-defined]
    session.execute(insert(AuditEntry).values(**vars(row)))
    session.execute(update(AuditHead).values(seq=row.seq, hash=row.hash, mac=None))  # type: ignore[attr-defined]
    return int(row.seq)


def test_a_plain_sha256_entry_after_keyed_ones_is_a_downgrade(session: Session) -> None:
    _append(session, 2)
    forged = _legacy_entry(session, '{"old": 1}')
    session.expire_all()
    result = service.verify(session)
    assert result.broken_seq == forged and "降级" in (result.reason or "")


def test_entries_from_before_the_key_verify_once_sealed_and_stay_pinned(session: Session) -> None:
    session.execute(delete(AuditEntry))
    session.execute(update(AuditHead).values(seq=0, hash=service.GENESIS_HASH, mac=None))
    first = _legacy_entry(session, '{"old": 1}')
    _legacy_entry(session, '{"old": 2}')
    session.expire_all()
    unsealed = service.verify(session)
    assert not unsealed.ok and "zhili init" in (unsealed.reason or "")
    sealed = service.seal(session)
    assert sealed is not None and service.seal(session) is None  # once
    assert service.verify(session).ok
    session.execute(update(AuditEntry).where(AuditEntry.seq == first).values(detail='{"old": "forged"}'))
    session.expire_all()
    assert service.verify(session).broken_seq == first
    # and recomputing the legacy hashes does not help: the keyed seal covers the last one
    rewrite(session, first, '{"old": "forged"}', plain_sha256, head_mac=chain_key().head_mac)
    result = service.verify(session)
    assert not result.ok and result.broken_seq == sealed.seq


def test_a_new_key_is_named_instead_of_called_tampering(session: Session) -> None:
    _append(session, 2)
    other: ChainKey = _chain_key("", "rotated-secret-" + "y" * 32)
    result = service.verify(session, key=other)
    assert not result.ok and "密钥已更换" in (result.reason or "")


def test_the_servers_periodic_anchor_appends_only_when_the_chain_grew(
    session: Session, db: Database, tmp_path: Path
) -> None:
    from zhili.audit.tasks import anchor_once
    from zhili.settings import Settings

    settings = Settings(environment="test", data_dir=tmp_path)
    _append(session, 2)
    session.commit()
    first = anchor_once(db, settings)
    assert first is not None and anchor_once(db, settings) is None  # nothing new: no second line
    _append(session, 1)
    session.commit()
    second = anchor_once(db, settings)
    assert second is not None and second.seq == first.seq + 1
    written = anchors.read(tmp_path / "audit-anchors.jsonl")
    assert [a.seq for a in written] == [first.seq, second.seq]
    assert service.verify(session, written).ok
