"""Addresses elsewhere in China: ``上海市黄浦区南京东路1号`` is not an unknown address of this city.

The names of every province and prefecture-level city ship in ``data/china/places.csv`` (written by
``scripts/generate_places.py``). An address is elsewhere when it *starts* with the name of a place
that is not this city (after an optional 中国): addresses are written from the largest unit down,
and a name in the middle of one (上海市场, 天津路) says nothing about where it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import cache
from importlib import resources

COUNTRY = ("中华人民共和国", "中国")


@cache
def places() -> tuple[tuple[str, str], ...]:
    """(code, name) of China's provinces and prefecture-level cities."""
    text = resources.files("zhili.divisions").joinpath("data", "china", "places.csv").read_text("utf-8")
    return tuple((row["code"], row["name"]) for row in csv.DictReader(io.StringIO(text)))


class Elsewhere:
    def __init__(self, home_codes: Iterable[str]) -> None:
        """``home_codes``: the division codes of the cities loaded here (``11`` for Beijing)."""
        homes = [code for code in home_codes if code]
        self.names = tuple(
            name
            for code, name in places()
            if not any(code.startswith(home) or home.startswith(code) for home in homes)
        )

    def named_in(self, address: str) -> str | None:
        """The place elsewhere the address starts with, or None."""
        text = address.strip()
        for prefix in COUNTRY:
            text = text.removeprefix(prefix).lstrip()
        return next((name for name in self.names if text.startswith(name)), None)
