"""What location resolution answers: from coordinates, from an address text, or from both."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from zhili.divisions.models import DivisionLevel


@dataclass(frozen=True, slots=True)
class DivisionRef:
    code: str
    name: str
    level: DivisionLevel
    # Names from the district down to this division, e.g. "朝阳区/八里庄街道".
    path: str = ""


@dataclass(frozen=True)
class PointResolution:
    """The district that contains a point (None outside every district) and its H3 cell."""

    lat: float
    lng: float
    district: DivisionRef | None
    cell: str
    confidence: float

    @property
    def inside(self) -> bool:
        return self.district is not None


@dataclass(frozen=True)
class TextResolution:
    """Divisions named in an address. When the best reading is ambiguous, only the levels that all
    readings share are filled in and the readings are listed in ``candidates``."""

    city: DivisionRef | None = None
    district: DivisionRef | None = None
    street: DivisionRef | None = None
    community: DivisionRef | None = None
    confidence: float = 0.0
    candidates: tuple[DivisionRef, ...] = ()
    matched: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def deepest(self) -> DivisionRef | None:
        return self.community or self.street or self.district or self.city


class LocationSource(StrEnum):
    coordinates = "coordinates"
    address = "address"
    both = "both"


@dataclass(frozen=True)
class Location:
    """District → street → community → grid cell from coordinates and/or an address, with a
    confidence for the deepest level given. ``conflict`` is set when the address names a district
    other than the one the coordinates fall in (the coordinates win)."""

    source: LocationSource
    district: DivisionRef | None
    street: DivisionRef | None
    community: DivisionRef | None
    cell: str | None
    confidence: float
    candidates: tuple[DivisionRef, ...] = ()
    matched: tuple[str, ...] = field(default_factory=tuple)
    conflict: bool = False
