"""The most specific category of a suggestion: the classifier ranks first-level categories, and the
taxonomy's keywords (data, edited on the categories page) choose the second- and third-level ones
below each.

Why not a leaf-level model: the labelled history (and the cases closed so far) carries first-level
labels only, so a leaf model could be neither trained nor measured against one. The keywords are the
taxonomy's own, so an admin who adds a sub-category adds the words that find it.

Within a first-level category of probability *p*, every most specific node whose keywords (or name)
occur in the text gets a share of *p* in proportion to the square of its path's keyword weight (the
length of the keywords found, from the second level down); with no keyword found the first-level
category itself keeps *p*. The best three nodes over all first-level candidates are the suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from zhili.triage.routing import Snapshot
from zhili.triage.text import normalise

Guess = tuple[str, float]  # (category code, probability)


@lru_cache(maxsize=8192)
def _normalised(word: str) -> str:
    """A taxonomy keyword as it is matched (the same few thousand words, normalised once each)."""
    return normalise(word)


def _weight(snap: Snapshot, code: str, text: str) -> int:
    name = snap.categories[code][0]
    words = {w for w in (*snap.keywords.get(code, ()), name) if w}
    return sum(len(w) for w in words if _normalised(w) in text)


def _nodes(snap: Snapshot, code: str, text: str, above: int, found: dict[str, int]) -> bool:
    """Collect, below ``code``, the most specific nodes the text names; True when any was found."""
    any_found = False
    for child in snap.children.get(code, ()):
        own = _weight(snap, child, text)
        if own <= 0:
            continue
        any_found = True
        if not _nodes(snap, child, text, above + own, found):
            found[child] = above + own
    return any_found


def within(snap: Snapshot, root: str, text: str) -> list[Guess]:
    """Shares of the nodes below ``root`` that the (normalised) text names, or ``root`` itself."""
    found: dict[str, int] = {}
    if not _nodes(snap, root, text, 0, found):
        return [(root, 1.0)]
    squares = {code: weight * weight for code, weight in found.items()}
    total = sum(squares.values())
    return sorted(((code, w / total) for code, w in squares.items()), key=lambda g: (-g[1], g[0]))


def refine(snap: Snapshot, ranked: Sequence[tuple[str, float]], text: str, k: int = 3) -> list[Guess]:
    """The classifier's ranked labels (first-level names or codes) → the ``k`` most probable most
    specific categories, best first. Labels the taxonomy no longer has are dropped."""
    normalised = normalise(text)
    guesses: list[Guess] = []
    for label, probability in ranked:
        code = snap.category_for_label(label)
        if code is None:
            continue
        guesses.extend((leaf, probability * share) for leaf, share in within(snap, code, normalised))
    guesses.sort(key=lambda g: -g[1])
    return guesses[:k]
