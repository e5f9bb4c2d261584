"""The audit log is a hash chain: any edit or deletion is found and named."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from zhili.audit import service
from zhili.audit.models import AuditEntry


def _append(session: Session, n: int) -> list[AuditEntry]:
    seqs = [
        service.record(session, actor="tester", action="test.write", target_id=i, detail={"i": i}).seq
        for i in range(n)
    ]
    rows = session.execute(select(AuditEntry).where(AuditEntry.seq.in_(seqs)).order_by(AuditEntry.seq))
    return list(rows.scalars())


def test_chain_links_each_entry_to_the_previous(session: Session) -> None:
    entries = _append(session, 3)
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 3))
    assert service.verify(session).ok


def test_altered_row_is_named(session: Session) -> None:
    entries = _append(session, 4)
    session.execute(update(AuditEntry).where(AuditEntry.seq == entries[2].seq).values(actor="mallory"))
    session.expire_all()
    result = service.verify(session)
    assert not result.ok
    assert result.broken_seq == entries[2].seq
    assert "篡改" in (result.reason or "")


def test_deleted_middle_row_is_found(session: Session) -> None:
    entries = _append(session, 4)
    session.execute(delete(AuditEntry).where(AuditEntry.seq == entries[1].seq))
    session.expire_all()
    result = service.verify(session)
    assert result.broken_seq == entries[1].seq


def test_deleted_tail_is_found(session: Session) -> None:
    entries = _append(session, 3)
    session.execute(delete(AuditEntry).where(AuditEntry.seq == entries[-1].seq))
    session.expire_all()
    result = service.verify(session)
    assert not result.ok
    assert result.broken_seq == entries[-1].seq


def test_rewritten_hash_breaks_the_next_link(session: Session) -> None:
    entries = _append(session, 3)
    forged = AuditEntry(
        **{
            c: getattr(entries[1], c)
            for c in (
                "seq",
                "at",
                "actor",
                "action",
                "target_type",
                "target_id",
                "client_ip",
                "prev_hash",
                "scheme",
            )
        },
        detail='{"i": 99}',
    )
    new_hash = service.entry_hash(forged)
    session.execute(
        update(AuditEntry).where(AuditEntry.seq == entries[1].seq).values(detail='{"i": 99}', hash=new_hash)
    )
    session.expire_all()
    result = service.verify(session)
    assert result.broken_seq == entries[2].seq
    assert (
        session.execute(select(AuditEntry.detail).where(AuditEntry.seq == entries[1].seq)).scalar_one()
        == '{"i": 99}'
    )
