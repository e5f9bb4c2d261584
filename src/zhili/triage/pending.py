"""Triage after the acknowledgement (先受理、后分流).

The JSON intake answers 201 once the case, its 受理 event and its audit entry are committed; that
same transaction writes one ``triage_pending`` row (:func:`enqueue`). Classification, routing, the
duplicate check and the knowledge hits then run in :func:`drain`, which stores the recommendation
and removes the row in one transaction, so a case is triaged exactly once:

- right after the answer has gone out (:func:`drain_soon`, from ``after_response``): one drain per
  process at a time takes every waiting case in batches, so concurrent intakes share commits;
- and periodically, as the ``intake_triage`` job (in ``zhili serve``, or ``zhili worker`` with
  ``ZHILI_JOBS=queue``), so a row left by a process that died before it drained is triaged a period
  later. Nothing is lost: the row is durable with the case.

With the worker tier (``ZHILI_JOBS=queue``) an app server does not drain at all: :func:`drain_soon`
calls the hand-off the server installed (:func:`hand_off_to`), which wakes a worker's
``intake_triage`` run, so classification never shares the serving processes' CPU with intakes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.db import Database
from zhili.settings import Settings
from zhili.triage import service as triage
from zhili.triage.models import Recommendation, TriagePending

BATCH = 64
PERIOD_SECONDS = 60.0
log = logging.getLogger(__name__)

_INSERT = insert(TriagePending)
_lock = threading.Lock()
_wanted = threading.Event()
_hand_off: Callable[[], None] | None = None


def enqueue(session: Session, case: Case, at: datetime) -> None:
    """Mark a flushed case as waiting for triage, in the intake's transaction."""
    session.connection().execute(_INSERT, {"case_id": case.id, "queued_at": at})


_WAITING = select(TriagePending.case_id).order_by(TriagePending.case_id).limit(bindparam("batch"))
_DONE = select(Recommendation.case_id).where(Recommendation.case_id.in_(bindparam("ids", expanding=True)))
_CASES = select(Case).where(Case.id.in_(bindparam("ids", expanding=True))).order_by(Case.id)
_TAKEN = delete(TriagePending).where(TriagePending.case_id.in_(bindparam("ids", expanding=True)))


def _batch(db: Database, settings: Settings, limit: int, *, one_by_one: bool = False) -> int:
    """Triage up to ``limit`` waiting cases in one transaction. ``one_by_one``: each in a savepoint, so
    that a case whose triage fails is passed over (it shows untriaged) instead of holding up the rest."""
    ctx = CaseContext.for_settings(settings)
    with db.session(write=True) as session:
        query = _WAITING
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # two processes never take the same case
        ids = list(session.scalars(query, {"batch": limit}))
        if not ids:
            return 0
        done = set(session.scalars(_DONE, {"ids": ids}))
        for case in session.scalars(_CASES, {"ids": ids}):
            if case.id in done:
                continue
            if not one_by_one:
                triage.on_intake(session, ctx, case)
                continue
            try:
                with session.begin_nested():
                    triage.on_intake(session, ctx, case)
            except Exception as exc:
                log.warning("triage of case %s failed: %s", case.id, type(exc).__name__)
        session.execute(_TAKEN, {"ids": ids})
    return len(ids)


def drain(db: Database, settings: Settings, limit: int = BATCH) -> int:
    """Triage every waiting case, ``limit`` per transaction, oldest first; the number taken."""
    total = 0
    while True:
        try:
            taken = _batch(db, settings, limit)
        except Exception:  # rolled back; again, case by case
            taken = _batch(db, settings, limit, one_by_one=True)
        total += taken
        if taken < limit:
            return total


def hand_off_to(wake: Callable[[], None] | None) -> None:
    """Have :func:`drain_soon` call ``wake`` (a server of the worker tier: wake a worker's drain)
    instead of draining in this process; None drains here again."""
    global _hand_off
    _hand_off = wake


def drain_soon(db: Database, settings: Settings) -> None:
    """After an intake's answer: hand the drain to the worker tier when the server installed a hand-off;
    else drain here, or leave it to the drain already running in this process, which looks again
    before it stops. (The periodic job, in ``zhili serve`` or the worker, is only the backstop for a
    process that died.)"""
    wake = _hand_off
    if wake is not None:
        wake()
        return
    _wanted.set()
    while _wanted.is_set():
        if not _lock.acquire(blocking=False):
            return  # the running drain sees the flag after it lets go
        try:
            _wanted.clear()
            drain(db, settings)
        finally:
            _lock.release()


def period_seconds(_settings: Settings) -> float:
    return PERIOD_SECONDS


def summary(taken: int) -> dict[str, int]:
    return {"triaged": taken}
