"""Text normalisation shared by training, prediction and de-duplication.

Full-width forms become half-width (NFKC), Latin letters are lower-cased and every run of
whitespace becomes one space, so that "ＡＢＣ　小区" and "abc 小区" are the same text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """NFKC (full width → half width), lower case, whitespace collapsed and trimmed."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _WHITESPACE.sub(" ", folded).strip()


def join_fields(parts: Iterable[str | None]) -> str:
    """Join the non-empty, normalised parts of a demand (for example title and body) with a space."""
    return " ".join(p for p in (normalise(part) for part in parts) if p)
