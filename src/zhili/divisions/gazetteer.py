"""Find the divisions named in a Chinese address (地址文本 → 区 / 街道乡镇 / 社区村).

The address is split into known names (a dict lookup per position and candidate length, no
automaton: addresses are short and this takes tens of microseconds). Each name may point at several
divisions; every division it points at is a reading of the address, scored by the names along its
chain of codes (a district named in the text supports the streets inside it).
The best-scored reading wins; equal best readings make the address ambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zhili.divisions.models import DivisionLevel
from zhili.divisions.names import aliases, normalize
from zhili.divisions.results import DivisionRef, TextResolution

# A district outweighs a street and a community, so that the district an address states decides
# between same-named streets, and a full district name beats a bare name found elsewhere in the text.
LEVEL_WEIGHT = {
    DivisionLevel.city: 1.0,
    DivisionLevel.district: 3.0,
    DivisionLevel.street: 2.0,
    DivisionLevel.community: 2.0,
}
# How much a named ancestor adds to the confidence in the division below it.
ANCESTOR_SUPPORT = {
    DivisionLevel.city: 0.2,
    DivisionLevel.district: 0.5,
    DivisionLevel.street: 0.5,
    DivisionLevel.community: 0.5,
}
# Confidence factor for each level between district and the result that the text leaves out.
UNSTATED_LEVEL = 0.9
# Bare community names (北大街, 花园 ...) are often road or estate names: too weak to contradict.
CONTRARY_MIN_QUALITY = 0.7
AMBIGUOUS_CAP = 0.3
MAX_TEXT = 200
MAX_CANDIDATES = 10
# Readings this close to the best are equally good: an official name (辛庄村) and the common form
# of another's (辛庄村委会 → 辛庄村) must not decide between two villages.
TIE_MARGIN = 0.15
EPSILON = 1e-9
DEPTH = (DivisionLevel.district, DivisionLevel.street, DivisionLevel.community)
CODE_LENGTH = {DivisionLevel.district: 6, DivisionLevel.street: 9, DivisionLevel.community: 12}


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    level: DivisionLevel
    quality: float


@dataclass(frozen=True, slots=True)
class Match:
    text: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class _Reading:
    code: str
    score: float
    # Quality of the name assigned to each level of the chain.
    assigned: dict[DivisionLevel, float]


def _related(code: str, other: str) -> bool:
    return code.startswith(other) or other.startswith(code)


class Gazetteer:
    """Names of every division, built once from (code, name, level) rows."""

    def __init__(self, divisions: Iterable[tuple[str, str, DivisionLevel]]) -> None:
        self.names: dict[str, tuple[str, DivisionLevel]] = {}
        index: dict[str, dict[str, Entry]] = {}
        for code, name, level in divisions:
            level = DivisionLevel(level)
            self.names[code] = (name, level)
            for alias in aliases(name, level):
                slot = index.setdefault(alias.text, {})
                if code not in slot or slot[code].quality < alias.quality:
                    slot[code] = Entry(code, level, alias.quality)
        self._entries = {text: tuple(slot[code] for code in sorted(slot)) for text, slot in index.items()}
        lengths: dict[str, set[int]] = {}
        for text in self._entries:
            lengths.setdefault(text[0], set()).add(len(text))
        self._lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}

    def __len__(self) -> int:
        return len(self.names)

    # -- references -------------------------------------------------------------------------
    def ref(self, code: str) -> DivisionRef | None:
        found = self.names.get(code)
        if found is None:
            return None
        name, level = found
        chain = [
            self.names[code[:length]][0]
            for length in (6, 9)
            if length < len(code) and code[:length] in self.names
        ]
        return DivisionRef(code=code, name=name, level=level, path="/".join([*chain, name]))

    def city_of(self, code: str) -> DivisionRef | None:
        for length in (4, 2):
            prefix = code[:length]
            if prefix in self.names and self.names[prefix][1] == DivisionLevel.city:
                return self.ref(prefix)
        return None

    def _common_ancestor(self, codes: Sequence[str]) -> str | None:
        for length in (9, 6, 4, 2):
            prefix = codes[0][:length]
            if prefix in self.names and all(code.startswith(prefix) for code in codes):
                return prefix
        return None

    # -- scanning and scoring ---------------------------------------------------------------
    def scan(self, text: str) -> list[Match]:
        """Known names in ``text``: the non-overlapping set that covers the most characters, with
        fewer (so longer) names on a tie. Plain leftmost-longest would read 宛平城北社区 as
        宛平城 + 北社区 instead of 宛平 (street) + 城北社区 (community)."""
        text = normalize(text)[:MAX_TEXT]
        end = len(text)
        # best[i]: (characters covered, -names used) from position i on; step[i]: name length taken.
        best: list[tuple[int, int]] = [(0, 0)] * (end + 1)
        step = [0] * (end + 1)
        for position in range(end - 1, -1, -1):
            best[position], step[position] = best[position + 1], 0
            for length in self._lengths.get(text[position], ()):
                if position + length > end or text[position : position + length] not in self._entries:
                    continue
                covered, names = best[position + length]
                option = (covered + length, names - 1)
                if option > best[position]:
                    best[position], step[position] = option, length
        matches: list[Match] = []
        position = 0
        while position < end:
            length = step[position]
            if length:
                piece = text[position : position + length]
                matches.append(Match(piece, self._entries[piece]))
                position += length
            else:
                position += 1
        return matches

    def _read(self, code: str, matches: Sequence[Match]) -> _Reading | None:
        """Score the reading ``code``: each match supports at most one level of its chain."""
        options = sorted(
            (
                (LEVEL_WEIGHT[entry.level] * entry.quality, index, entry.level, entry.quality)
                for index, match in enumerate(matches)
                for entry in match.entries
                if code.startswith(entry.code)
            ),
            key=lambda option: option[0],
            reverse=True,
        )
        used: set[int] = set()
        assigned: dict[DivisionLevel, float] = {}
        score = 0.0
        for weight, index, level, quality in options:
            if index in used or level in assigned:
                continue
            used.add(index)
            assigned[level] = quality
            score += weight
        # A reading must be named itself, not only through its ancestors.
        if self.names[code][1] not in assigned:
            return None
        return _Reading(code, score, assigned)

    def _confidence(self, reading: _Reading, matches: Sequence[Match]) -> float:
        level = self.names[reading.code][1]
        confidence = reading.assigned[level]
        for other, quality in reading.assigned.items():
            if other != level:
                confidence += (1 - confidence) * ANCESTOR_SUPPORT[other] * quality
        if level in DEPTH:
            unstated = [step for step in DEPTH[: DEPTH.index(level)] if step not in reading.assigned]
            confidence *= UNSTATED_LEVEL ** len(unstated)
        # Names in the text that contradict this reading lower the confidence.
        contrary = sum(
            max(
                (
                    LEVEL_WEIGHT[entry.level] * entry.quality
                    for entry in match.entries
                    if entry.quality >= CONTRARY_MIN_QUALITY
                ),
                default=0.0,
            )
            for match in matches
            if not any(_related(entry.code, reading.code) for entry in match.entries)
        )
        return confidence * reading.score / (reading.score + contrary)

    def resolve(self, text: str, *, within: str | None = None) -> TextResolution:
        """Divisions named in ``text``; ``within`` keeps only readings inside that division."""
        matches = self.scan(text)
        if within:
            matches = [
                Match(match.text, kept)
                for match in matches
                if (kept := tuple(entry for entry in match.entries if _related(entry.code, within)))
            ]
        readings = [
            reading
            for code in {entry.code for match in matches for entry in match.entries}
            if (reading := self._read(code, matches)) is not None
        ]
        if not readings:
            return TextResolution(matched=tuple(match.text for match in matches))
        best = max(reading.score for reading in readings)
        tied = sorted(
            (reading for reading in readings if reading.score >= best - TIE_MARGIN - EPSILON),
            key=lambda r: r.code,
        )
        confidence = max(self._confidence(reading, matches) for reading in tied)
        if len(tied) == 1:
            code: str | None = tied[0].code
            candidates: tuple[DivisionRef, ...] = ()
        else:
            code = self._common_ancestor([reading.code for reading in tied])
            confidence = min(AMBIGUOUS_CAP, confidence / len(tied))
            candidates = tuple(ref for reading in tied[:MAX_CANDIDATES] if (ref := self.ref(reading.code)))
        return self._resolution(code, round(confidence, 3), candidates, matches)

    def _resolution(
        self,
        code: str | None,
        confidence: float,
        candidates: tuple[DivisionRef, ...],
        matches: Sequence[Match],
    ) -> TextResolution:
        refs: dict[DivisionLevel, DivisionRef | None] = dict.fromkeys(DEPTH)
        if code is not None:
            for level, length in CODE_LENGTH.items():
                if len(code) >= length:
                    refs[level] = self.ref(code[:length])
        return TextResolution(
            city=self.city_of(code) if code else None,
            district=refs[DivisionLevel.district],
            street=refs[DivisionLevel.street],
            community=refs[DivisionLevel.community],
            confidence=confidence,
            candidates=candidates,
            matched=tuple(match.text for match in matches),
        )
