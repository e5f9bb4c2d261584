"""Anchors: the chain's head written down outside the database, signed with the chain's key.

An anchor is one JSON line, ``{"at": …, "hash": …, "mac": …, "seq": …}``: at that time, entry ``seq``
had hash ``hash``. The server appends one to the anchor file (``ZHILI_AUDIT_ANCHOR_FILE``) every
``ZHILI_AUDIT_ANCHOR_MINUTES`` when the chain has grown, and ``zhili audit checkpoint`` appends and
prints one, for an administrator to keep somewhere else (another machine, a ticket, paper).
``zhili audit verify`` then checks that every anchor is still in the chain: history rewritten before
an anchor is found even by someone who holds the key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit.chain import ChainKey
from zhili.audit.models import AuditHead
from zhili.kernel.clock import utcnow

HEAD_ID = 1


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    mac: str
    source: str = ""  # where it was read (file and line), for messages

    def line(self) -> str:
        payload = {"at": self.at, "hash": self.hash, "mac": self.mac, "seq": self.seq}
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    def signed_by(self, key: ChainKey) -> bool:
        return self.mac == key.anchor_mac(self.seq, self.hash, self.at)


class AnchorError(ValueError):
    """An anchor line that cannot be read."""


def parse(text: str, source: str = "") -> Anchor:
    try:
        data = json.loads(text)
        anchor = Anchor(int(data["seq"]), str(data["hash"]), str(data["at"]), str(data["mac"]), source)
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"{source or '锚点'}无法解析") from exc
    if anchor.seq < 0:
        raise AnchorError(f"{source or '锚点'}无法解析")
    return anchor


def read(path: Path) -> list[Anchor]:
    """Every anchor in the file, in order (an absent file has none)."""
    if not path.exists():
        return []
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            anchors.append(parse(line, f"锚点文件第 {number} 行"))
    return anchors


def of_head(session: Session, key: ChainKey) -> Anchor | None:
    """An anchor of the committed head as this session sees it; None while the chain is empty."""
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)).one_or_none()
    if head is None or head.seq == 0:
        return None
    at = utcnow().astimezone(UTC).isoformat(timespec="seconds")
    return Anchor(head.seq, head.hash, at, key.anchor_mac(head.seq, head.hash, at))


def append(path: Path, anchor: Anchor) -> None:
    """Append one line and flush it to disk. Opened in append mode: earlier lines are never rewritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(anchor.line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def last_seq(anchors: Iterable[Anchor]) -> int:
    return max((a.seq for a in anchors), default=0)
