"""Type-ahead pickers by name: match a query against Chinese names, their pinyin initials ("wj" →
望京) and codes, the convention of Chinese government software. Each domain serves its own kind
(units, places, categories, knowledge, cases) through one scoped, permission-declared JSON route,
and every route answers the same ``PickList``; the code stays beside the name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field
from pypinyin import Style, lazy_pinyin

DEFAULT_LIMIT = 12
MAX_QUERY = 40


class PickOption(BaseModel):
    """One choice: the code a form sends, the name a person reads, and where it sits."""

    code: str
    name: str
    hint: str | None = Field(default=None, description="上级或类别，如「朝阳区 › 望京街道」")


class PickList(BaseModel):
    """The options matching a query, best first."""

    query: str
    options: list[PickOption]


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    hint: str | None = None


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """``望京街道办事处`` → ``wjjdbsc``; other characters (Latin letters, digits) are kept, lowercased."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(letters).lower().replace(" ", "")


def score(query: str, candidate: Candidate) -> int | None:
    """How well ``query`` matches (lower is better), or None when it does not match at all."""
    q = query.strip().lower()
    if not q:
        return 50
    code = candidate.code.lower()
    name = candidate.name.lower()
    if q in (code, name):
        return 0
    if name.startswith(q):
        return 10
    if q in name:
        return 20
    if code.startswith(q):
        return 25
    if q.isascii() and q.isalnum():
        letters = initials(candidate.name)
        if letters.startswith(q):
            return 30
        if q in letters:
            return 40
    return None


def pick(query: str, candidates: Iterable[Candidate], limit: int = DEFAULT_LIMIT) -> PickList:
    """The best ``limit`` candidates for ``query``: by match quality, then shorter names, then code."""
    q = query.strip()[:MAX_QUERY]
    ranked: list[tuple[int, int, str, Candidate]] = []
    for candidate in candidates:
        rank = score(q, candidate)
        if rank is not None:
            ranked.append((rank, len(candidate.name), candidate.code, candidate))
    ranked.sort(key=lambda item: item[:3])
    options = [PickOption(code=c.code, name=c.name, hint=c.hint) for *_, c in ranked[:limit]]
    return PickList(query=q, options=options)
