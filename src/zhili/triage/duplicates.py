"""Duplicate detection at intake: near in space, recent in time, similar in text.

Each case gets a fingerprint row: its H3 cell, community, time and a text sketch — the ``SKETCH``
heaviest character 2–3-grams of its text, weighted by sublinear term frequency and L2-normalised.
A new demand looks up earlier open cases in the same or a neighbouring cell (grid disk of radius 1)
or the same community within the time window — one indexed query returning at most
``MAX_CANDIDATES`` rows — and scores them all at once with numpy: the cosine of two sketches.

Why not MinHash over all bigrams: on real repeated messages (different citizens about the same
estate and problem, Teddy 2020 C hotspot messages) the Jaccard similarity of bigram sets is only
about 0.1, barely above unrelated messages about the same estate. The sketch cosine gives repeats
about 0.35–0.8 and unrelated messages about the same estate mostly 0.15–0.32.

Above ``MERGE_SIMILARITY`` the proposal is to merge (合并); above the duplicate threshold, to link
(关联). A candidate from the same citizen (same phone digest) is a repeat (重复来电) and is linked
automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import h3
import numpy as np
from sqlalchemy import ColumnElement, Connection, Select, bindparam, insert, select, union
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from zhili.cases.models import Case
from zhili.cases.states import CaseState
from zhili.triage.features import ngram_keys
from zhili.triage.models import CASES_LOOKUP_INDEX, CaseFingerprint
from zhili.triage.text import normalise

SKETCH = 64  # n-grams kept per text
MAX_CHARS = 600  # as in classification: the title and the start of the body say what it is about
MAX_CANDIDATES = 200
MERGE_SIMILARITY = 0.6
_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_BYTES = SKETCH * 8  # uint32 hashed key + float32 weight


def _hash32(keys: np.ndarray) -> np.ndarray:
    """A well-mixed 32-bit hash of packed n-gram keys (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        mixed = (keys ^ (keys >> np.uint64(30))) * _C1
        mixed = (mixed ^ (mixed >> np.uint64(27))) * _C2
        mixed ^= mixed >> np.uint64(31)
    return (mixed >> np.uint64(32)).astype(np.uint32)


def signature(text: str) -> bytes | None:
    """The sketch of a text: SKETCH hashed n-gram keys (sorted, zero-padded in front) then their
    float32 weights; None when the text has no two letters in a row.

    Weights are sublinear term frequencies (idf weighting from the classifier's vocabulary was tried
    and separated real repeats no better). The heaviest n-grams are kept; among equally heavy ones
    the smallest hashes, so two texts that share n-grams keep the same ones (a bottom-k sample)."""
    cleaned = _KEEP.sub("", normalise(text[: MAX_CHARS * 2]))[:MAX_CHARS]
    if len(cleaned) < 2:
        return None
    grams, counts = np.unique(ngram_keys(cleaned, 2, 3), return_counts=True)
    hashed = _hash32(grams)
    weights = (1.0 + np.log(counts)).astype(np.float32)
    if hashed.size > SKETCH:
        top = np.lexsort((hashed, -weights))[:SKETCH]
        hashed, weights = hashed[top], weights[top]
    order = np.argsort(hashed)
    hashed, weights = hashed[order], weights[order]
    weights /= np.float32(np.sqrt(np.dot(weights, weights)))
    keys = np.zeros(SKETCH, dtype=np.uint32)
    packed = np.zeros(SKETCH, dtype=np.float32)
    keys[SKETCH - hashed.size :], packed[SKETCH - hashed.size :] = hashed, weights
    return keys.tobytes() + packed.tobytes()


def similarities(mine: bytes, theirs: list[bytes]) -> np.ndarray:
    """Cosine of one sketch with each of many."""
    my_keys = np.frombuffer(mine, dtype=np.uint32, count=SKETCH)
    my_weights = np.frombuffer(mine, dtype=np.float32, offset=SKETCH * 4)
    raw = np.frombuffer(b"".join(theirs), dtype=np.uint32).reshape(len(theirs), 2 * SKETCH)
    keys = raw[:, :SKETCH]
    weights = raw[:, SKETCH:].view(np.float32)
    pos = np.searchsorted(my_keys, keys)
    np.minimum(pos, SKETCH - 1, out=pos)
    hit = (my_keys[pos] == keys) & (keys != 0)
    return np.asarray((weights * my_weights[pos] * hit).sum(axis=1))


def similarity(a: bytes, b: bytes) -> float:
    return float(similarities(a, [b])[0])


DISK = 7  # a cell and its six neighbours (a pentagon has five: the seventh parameter stays NULL)


@lru_cache(maxsize=65536)
def nearby_cells(cell: str) -> tuple[str, ...]:
    """The cell first, then its neighbours (H3 grid disk of radius 1)."""
    try:
        return (cell, *sorted(c for c in h3.grid_disk(cell, 1) if c != cell))[:DISK]
    except Exception:  # a malformed cell id: compare within the cell only
        return (cell,)


@dataclass(frozen=True)
class Candidate:
    case_id: int
    code: str
    similarity: float
    same_cell: bool
    same_community: bool
    same_citizen: bool
    received_at: datetime

    @property
    def proposal(self) -> str:
        return "merge" if self.similarity >= MERGE_SIMILARITY else "link"

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "similarity": round(self.similarity, 3),
            "proposal": "repeat" if self.same_citizen else self.proposal,
            "same_cell": self.same_cell,
            "same_community": self.same_community,
            "same_citizen": self.same_citizen,
            "received_at": self.received_at.isoformat(),
        }


def store_fingerprint(connection: Connection, case: Case, sig: bytes | None) -> None:
    if sig is None:
        return
    connection.execute(
        _INSERT_FINGERPRINT,
        {
            "case_id": case.id,
            "h3_cell": case.h3_cell,
            "community_code": case.community_code,
            "received_at": case.received_at,
            "signature": sig,
        },
    )


_INSERT_FINGERPRINT = insert(CaseFingerprint)


class _JoinCasesByLookupIndex(Join):
    """``fingerprints JOIN cases``, read through ``ix_cases_duplicate_lookup`` (see models.py).

    The index holds all the check reads of a case (state, code, phone digest), so a nearby
    fingerprint whose case is closed (most of them, in a week's window) costs a lookup in a small
    index instead of a read of the wide ``cases`` row. PostgreSQL's planner weighs that itself;
    SQLite's always joins on the rowid, so there the index is named (``INDEXED BY``).
    """

    inherit_cache = True


@compiles(_JoinCasesByLookupIndex, "sqlite")
def _join_cases_by_lookup_index(join: _JoinCasesByLookupIndex, compiler: SQLCompiler, **kw: Any) -> str:
    right = compiler.preparer.format_table(join.right)
    return compiler.visit_join(join, **kw).replace(
        f" JOIN {right} ON ", f" JOIN {right} INDEXED BY {CASES_LOOKUP_INDEX} ON ", 1
    )


def _nearby(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Earlier open cases' fingerprints matching ``where`` in the window (one index range each)."""
    return (
        select(
            CaseFingerprint.case_id,
            CaseFingerprint.signature,
            CaseFingerprint.h3_cell,
            CaseFingerprint.community_code,
            CaseFingerprint.received_at,
            Case.code,
            Case.citizen_phone_digest,
        )
        .select_from(
            _JoinCasesByLookupIndex(
                CaseFingerprint.__table__, Case.__table__, Case.id == CaseFingerprint.case_id
            )
        )
        .where(
            where,
            CaseFingerprint.received_at >= bindparam("since"),
            CaseFingerprint.received_at <= bindparam("until"),
            CaseFingerprint.case_id != bindparam("case_id"),
            Case.state != CaseState.closed,
            Case.state != CaseState.merged,
        )
    )


def _latest(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The ``MAX_CANDIDATES`` most recent of :func:`_nearby`: read newest first along one index
    range and stop there, so a place with thousands of open cases (a burst) costs no more than
    ``MAX_CANDIDATES`` rows."""
    branch = _nearby(where).order_by(CaseFingerprint.received_at.desc()).limit(MAX_CANDIDATES)
    return select(branch.subquery())


# One statement for every check (compiled once, cached): the case's own cell, UNION its neighbours,
# UNION the same community — each an index range, rather than an OR of all (the OR makes SQLite
# collect row ids from both indexes and read every fingerprint row before the cases filter). The
# own cell and the community, where a burst of demands piles up, are read newest first and cut at
# ``MAX_CANDIDATES``; the six neighbours are one IN range. UNION (not UNION ALL) keeps a case found
# twice once. A missing cell or community (NULL) matches nothing in its branch.
_NEARBY = union(
    _latest(CaseFingerprint.h3_cell == bindparam("cell0")),
    select(_nearby(CaseFingerprint.h3_cell.in_([bindparam(f"cell{i}") for i in range(1, DISK)])).subquery()),
    _latest(CaseFingerprint.community_code == bindparam("community")),
).subquery("nearby")
_CANDIDATES = select(_NEARBY).order_by(_NEARBY.c.received_at.desc()).limit(MAX_CANDIDATES)


def find_similar(
    session: Session,
    sig: bytes | None,
    *,
    cell: str | None,
    community: str | None,
    at: datetime,
    window: timedelta,
    threshold: float,
    limit: int = 5,
    exclude_case_id: int = 0,
    phone_digest: str | None = None,
) -> list[Candidate]:
    """Earlier open cases near ``cell`` or in ``community``, received in ``window`` up to ``at``, whose
    text is at least ``threshold`` similar to ``sig``, best first. Used for a new case at intake and
    for a draft the operator is still typing (no case row yet: ``exclude_case_id`` stays 0)."""
    if sig is None or not (cell or community):
        return []
    cells = nearby_cells(cell) if cell else ()
    params: dict[str, object] = {f"cell{i}": cells[i] if i < len(cells) else None for i in range(DISK)}
    params.update(community=community, since=at - window, until=at, case_id=exclude_case_id)
    rows = session.connection().execute(_CANDIDATES, params).all()
    if not rows:
        return []
    scores = similarities(sig, [r.signature for r in rows])
    order = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] >= threshold][:limit]
    return [
        Candidate(
            case_id=rows[i].case_id,
            code=rows[i].code,
            similarity=float(scores[i]),
            same_cell=bool(cell) and rows[i].h3_cell == cell,
            same_community=bool(community) and rows[i].community_code == community,
            same_citizen=bool(phone_digest) and rows[i].citizen_phone_digest == phone_digest,
            received_at=rows[i].received_at,
        )
        for i in order
    ]


def find_candidates(
    session: Session,
    case: Case,
    sig: bytes | None,
    *,
    window: timedelta,
    threshold: float,
    limit: int = 5,
) -> list[Candidate]:
    """Earlier open cases nearby and recent whose text is at least ``threshold`` similar, best first."""
    return find_similar(
        session,
        sig,
        cell=case.h3_cell,
        community=case.community_code,
        at=case.received_at,
        window=window,
        threshold=threshold,
        limit=limit,
        exclude_case_id=case.id,
        phone_digest=case.citizen_phone_digest,
    )
