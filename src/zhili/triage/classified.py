"""One classification per demand text: the intake page's live panel and intake triage share it.

While the operator types, ``/work/intake/suggest`` classifies the draft; when the demand is submitted
with the same text and the same active models and taxonomy, triage reuses that result instead of
classifying again. The key is the normalised text (whitespace and full-width forms do not change a
classification) and the identity of the loaded models and of the routing snapshot, so a new model
version or an edited taxonomy is never served a stale guess. Location is not part of a
classification: routing, which depends on it, is always computed afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from zhili.triage import leaves, model_store, routing
from zhili.triage.text import normalise

TOP_K = 3
CACHE_SIZE = 512


@dataclass(frozen=True)
class Classified:
    model_version: str
    keywords: list[str]
    categories: list[list[Any]]  # [[name, code, probability], ...], most specific, best first
    demand_types: list[list[Any]]  # [[label, probability], ...]


_cache: OrderedDict[tuple[int, int, int, str], tuple[tuple[object, ...], Classified]] = OrderedDict()
_lock = threading.Lock()


def suggest_categories(snap: routing.Snapshot, ranked: list[tuple[str, float]], text: str) -> list[list[Any]]:
    """[[name, code, probability], ...] of the most specific categories, best first."""
    guesses = leaves.refine(snap, ranked, text, TOP_K)
    return [[snap.categories[code][0], code, round(p, 4)] for code, p in guesses]


def classify(
    snap: routing.Snapshot,
    category_model: model_store.ActiveModel,
    type_model: model_store.ActiveModel,
    text: str,
) -> Classified:
    """Categories and demand types of ``text``, from the cache when nothing they depend on changed."""
    loaded, types = category_model.current(), type_model.current()
    key_text = normalise(text)
    owners = (loaded, types, snap)
    key = (id(loaded), id(types), id(snap), key_text)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], owners, strict=True)):
            _cache.move_to_end(key)
            return hit[1]
    ranked, keywords = loaded.model.top_k_explained(key_text, TOP_K)
    result = Classified(
        model_version=loaded.version,
        keywords=keywords,
        categories=suggest_categories(snap, ranked, key_text),
        demand_types=[[label, round(p, 4)] for label, p in types.model.top_k(key_text, TOP_K)],
    )
    with _lock:
        _cache[key] = (owners, result)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result
