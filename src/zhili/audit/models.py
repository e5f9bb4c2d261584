"""Audit entries form a chain: each stores the previous entry's hash and its own.

The hash is an HMAC-SHA256 under a key kept outside the database (``scheme`` names it: ``hmac-sha256:``
and the key's id); entries written before keys came in keep their plain SHA-256 (``sha256``) and are
sealed by the first keyed entry after them. ``audit_head`` keeps the last sequence number and hash,
with a MAC of both, so that deleting the newest entries is detected as well as editing or deleting one
in the middle. See docs/audit.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    client_ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    scheme: Mapped[str] = mapped_column(String(24), server_default="sha256")


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(64))
