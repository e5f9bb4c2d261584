"""Ranked text search over the knowledge base, in memory.

Chinese is written without spaces, so text is cut into overlapping character bigrams (公租房 →
公租, 租房); runs of Latin letters and digits stay whole words. Each entry is indexed from its
question and keywords (full weight) and its answer (lower weight). A query term counts by its rarity
(idf), so 公租 outweighs 请问. The score, between 0 and 1, mixes how much of the query an entry
covers with how much of the entry's question the query covers (which favours the precise question
over a long answer that happens to mention the words).

The index is built from the database and cached per database. It is rebuilt when a service
invalidates it after a write, or when a cheap signature of the table changes (another process wrote;
checked every couple of seconds), so a search normally costs only the in-memory scoring.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import time
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhili.knowledge import repository

QUESTION_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
ANSWER_WEIGHT = 0.35
# Weight of "the query covers the entry's question" against "the entry covers the query".
QUESTION_COVERAGE_SHARE = 0.25
# Long answers add little beyond their opening; indexing all of them would only slow rebuilds.
ANSWER_INDEX_CHARS = 400
# Terms found in more than this share of entries only refine the scores of entries found otherwise.
COMMON_SHARE = 0.25
COMMON_MIN_DOCS = 200
# How long an index is trusted before the table signature is read again (other processes' writes).
SIGNATURE_TTL = 2.0

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def _runs(text: str) -> list[str]:
    return _RUNS.findall(unicodedata.normalize("NFKC", text or "").lower())


def terms(text: str) -> set[str]:
    """Character bigrams of Chinese runs (a lone character stands for itself) and whole words."""
    found: set[str] = set()
    for run in _runs(text):
        if len(run) > 1 and _IS_CJK.match(run):
            found |= {run[i : i + 2] for i in range(len(run) - 1)}
        else:
            found.add(run)
    return found


def characters(text: str) -> set[str]:
    """Single Chinese characters: the fallback for one-character queries such as 水."""
    return {ch for run in _runs(text) if _IS_CJK.match(run) for ch in run}


@dataclass(frozen=True)
class Hit:
    entry_id: int
    score: float


@dataclass
class _Postings:
    """term → {document: weight}, and term → documents whose question holds the term."""

    weights: dict[str, dict[int, float]] = field(default_factory=dict)
    questions: dict[str, set[int]] = field(default_factory=dict)

    def add(self, doc: int, question: set[str], keywords: set[str], answer: set[str]) -> None:
        # Later fields overwrite earlier ones, so each term keeps its highest field weight.
        merged = dict.fromkeys(answer, ANSWER_WEIGHT)
        merged.update(dict.fromkeys(keywords, KEYWORD_WEIGHT))
        merged.update(dict.fromkeys(question, QUESTION_WEIGHT))
        weights = self.weights
        for term, weight in merged.items():
            docs = weights.get(term)
            if docs is None:
                weights[term] = {doc: weight}
            else:
                docs[doc] = weight
        questions = self.questions
        for term in question:
            holders = questions.get(term)
            if holders is None:
                questions[term] = {doc}
            else:
                holders.add(doc)


class KnowledgeIndex:
    """An immutable inverted index over the active entries."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.entry_ids: list[int] = []
        self.categories: list[str] = []
        self._words = _Postings()
        self._chars = _Postings()
        question_terms: list[set[str]] = []
        question_chars: list[set[str]] = []
        for entry_id, question, keywords, answer, category_code in rows:
            doc = len(self.entry_ids)
            self.entry_ids.append(entry_id)
            self.categories.append(category_code or "")
            q_terms, q_chars = terms(question), characters(question)
            question_terms.append(q_terms)
            question_chars.append(q_chars)
            answer_terms = terms((answer or "")[:ANSWER_INDEX_CHARS])
            self._words.add(doc, q_terms, terms(keywords), answer_terms)
            # Lone-character matching looks at the question and keywords only.
            self._chars.add(doc, q_chars, characters(keywords), set())
        self._word_idf = self._idf(self._words)
        self._char_idf = self._idf(self._chars)
        self._question_mass = [sum(self._word_idf[t] for t in ts) for ts in question_terms]
        self._question_char_mass = [sum(self._char_idf[c] for c in cs) for cs in question_chars]

    def __len__(self) -> int:
        return len(self.entry_ids)

    def _idf(self, postings: _Postings) -> dict[str, float]:
        total = len(self.entry_ids)
        return {t: math.log(1 + total / len(docs)) for t, docs in postings.weights.items()}

    def search(self, query: str, limit: int = 5, category_prefix: str | None = None) -> list[Hit]:
        wanted = terms(query)
        postings, idf, question_mass = self._words, self._word_idf, self._question_mass
        if not any(len(t) > 1 for t in wanted):
            # Only lone characters: match characters instead of bigrams.
            wanted = characters(query) or wanted
            postings, idf, question_mass = self._chars, self._char_idf, self._question_char_mass
        if not wanted or not self.entry_ids:
            return []
        unseen = math.log(1 + len(self.entry_ids))
        query_mass = sum(idf.get(t, unseen) for t in wanted)
        covered, in_question = self._accumulate(postings, idf, [t for t in wanted if t in idf])
        share = QUESTION_COVERAGE_SHARE
        scored = []
        for doc, mass in covered.items():
            if category_prefix and not self.categories[doc].startswith(category_prefix):
                continue
            question_cover = in_question.get(doc, 0.0) / question_mass[doc] if question_mass[doc] else 0.0
            score = (1 - share) * mass / query_mass + share * question_cover
            scored.append((score, -self.entry_ids[doc], doc))
        best = heapq.nlargest(limit, scored)
        return [Hit(self.entry_ids[doc], round(score, 4)) for score, _, doc in best]

    def _accumulate(
        self, postings: _Postings, idf: dict[str, float], found: list[str]
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Sum idf × weight per document. Common terms (in more than a quarter of the entries, such as
        问题 or 您好) only add to documents a rarer term already found, which bounds the work."""
        common_from = max(COMMON_MIN_DOCS, len(self.entry_ids) * COMMON_SHARE)
        rare = [t for t in found if len(postings.weights[t]) <= common_from]
        common = [t for t in found if len(postings.weights[t]) > common_from]
        if not rare:
            rare, common = common, []
        covered: dict[int, float] = defaultdict(float)
        in_question: dict[int, float] = defaultdict(float)
        for term in rare:
            term_idf = idf[term]
            for doc, weight in postings.weights[term].items():
                covered[doc] += term_idf * weight
            for doc in postings.questions.get(term, ()):
                in_question[doc] += term_idf
        for term in common:
            term_idf = idf[term]
            docs = postings.weights[term]
            in_questions = postings.questions.get(term, set())
            for doc in list(covered):
                found_weight = docs.get(doc)
                if found_weight:
                    covered[doc] += term_idf * found_weight
                    if doc in in_questions:
                        in_question[doc] += term_idf
        return covered, in_question


@dataclass
class _Slot:
    """One database's index. ``generation`` moves on every write, so an index built from data read
    before a concurrent write is never stored as current."""

    generation: int = 0
    index: KnowledgeIndex | None = None
    built_for: tuple[int, tuple[Any, ...]] | None = None
    checked_at: float = -math.inf


_slots: weakref.WeakKeyDictionary[Any, _Slot] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _slot(session: Session) -> _Slot:
    # Keyed by the engine in production; in tests, by the connection holding the test's transaction.
    return _slots.setdefault(session.get_bind(), _Slot())


def index_for(session: Session) -> KnowledgeIndex:
    """The current index for the session's database, rebuilt when stale.

    Writes through this process invalidate at once; writes by other processes (another worker, the
    CLI) are noticed by the table signature, which is read at most every ``SIGNATURE_TTL`` seconds.
    """
    now = time.monotonic()
    with _lock:
        slot = _slot(session)
        generation = slot.generation
        built = slot.index if slot.built_for and slot.built_for[0] == generation else None
        if built is not None and now - slot.checked_at < SIGNATURE_TTL:
            return built
    signature = repository.signature(session)  # read before the rows: a later write changes it
    with _lock:
        if built is not None and slot.built_for == (generation, signature):
            slot.checked_at = now
            return built
    index = KnowledgeIndex(repository.index_rows(session))
    with _lock:
        if slot.generation == generation:
            slot.index, slot.built_for, slot.checked_at = index, (generation, signature), now
    return index


def invalidate(session: Session) -> None:
    """Called after every write: the next search rebuilds the index."""
    with _lock:
        _slot(session).generation += 1


def search(session: Session, query: str, limit: int = 5, category_prefix: str | None = None) -> list[Hit]:
    return index_for(session).search(query, limit, category_prefix)
