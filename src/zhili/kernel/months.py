"""Calendar months written ``YYYY-MM``: read one, and step from one month to another."""

from __future__ import annotations

import re
from datetime import date

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse(text: str) -> date:
    """The first day of the month ``text`` names, e.g. ``2026-10`` → 2026-10-01.

    Raises ValueError when ``text`` is not a month written exactly YYYY-MM (ASCII digits, no spaces)."""
    match = MONTH.fullmatch(text)
    if match is None:
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)  # ValueError for month 00 or 13, year 0000


def shift(day: date, count: int) -> date:
    """The first day of the month ``count`` months after ``day``'s month (before it when negative)."""
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)
