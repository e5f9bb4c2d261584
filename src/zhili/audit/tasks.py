"""The audit anchor as a job: every ``ZHILI_AUDIT_ANCHOR_MINUTES``, when the chain has grown since the
last anchor, append a signed anchor of its head to the anchor file (see ``anchors``).

Registered in ``zhili.jobs.registry``; ``zhili serve`` runs it in-process (``ZHILI_JOBS=inline``) or
``zhili worker`` runs it from the queue, so the anchor file lives where that process runs.
"""

from __future__ import annotations

from zhili.audit import anchors
from zhili.audit.chain import chain_key
from zhili.db import Database
from zhili.settings import Settings


def anchor_once(db: Database, settings: Settings) -> anchors.Anchor | None:
    """Append an anchor of the committed head unless the file's last anchor already has it."""
    path = settings.resolved_audit_anchor_file
    with db.session(write=False) as session:
        anchor = anchors.of_head(session, chain_key(settings))
    if anchor is None or anchor.seq <= anchors.last_seq(anchors.read(path)):
        return None
    anchors.append(path, anchor)
    return anchor


def anchor_period_seconds(settings: Settings) -> float:
    return settings.audit_anchor_minutes * 60


def summary(anchor: anchors.Anchor | None) -> dict[str, int]:
    return {"anchored_seq": anchor.seq} if anchor is not None else {}
