"""Location resolution: coordinates and/or an address → district → street → community → H3 cell.

A ``Resolver`` reads every division once (names for the gazetteer, district outlines for the
point index) and is then read-only and thread-safe; the app keeps one (see ``deps.get_resolver``).
Streets and communities have no outlines, so they come from the address text; coordinates give the
district and the grid cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import h3
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.divisions import shipped
from zhili.divisions.elsewhere import Elsewhere
from zhili.divisions.gazetteer import Gazetteer
from zhili.divisions.geoindex import BoundaryIndex
from zhili.divisions.models import Division, DivisionLevel
from zhili.divisions.results import (
    DivisionRef,
    Location,
    LocationSource,
    PointResolution,
    TextResolution,
)
from zhili.errors import ValidationFailed

DEFAULT_H3_RESOLUTION = 10
# Outlines are simplified to about 100 m; a point this close (in degrees, ~300 m) to an edge may lie
# in the neighbouring district.
NEAR_EDGE = 0.003
INSIDE_CONFIDENCE = 0.95
NEAR_EDGE_CONFIDENCE = 0.75
# When the coordinates confirm the district of an address, how much of the doubt they remove.
POINT_SUPPORT = 0.5
# When the address names another district than the coordinates, how much the point is still trusted.
CONFLICT_FACTOR = 0.7
OUTSIDE_MESSAGE = "坐标不在本市范围内"
ELSEWHERE_MESSAGE = "地址不在本市范围内（{place}）"


class OutsideCity(ValidationFailed):
    """Coordinates outside every district, or an address elsewhere in the country. Open311 and the
    portal refuse it; an operator may still take the demand (``cases.intake``)."""


def check_coordinates(lat: float, lng: float) -> None:
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise ValidationFailed("纬度应在 -90 到 90 之间", field="lat")
    if not (math.isfinite(lng) and -180 <= lng <= 180):
        raise ValidationFailed("经度应在 -180 到 180 之间", field="lng")


class Resolver:
    def __init__(
        self,
        divisions: Iterable[tuple[str, str, DivisionLevel]],
        boundaries: Iterable[tuple[str, str]] = (),
        *,
        h3_resolution: int = DEFAULT_H3_RESOLUTION,
    ) -> None:
        """``divisions``: (code, name, level) rows; ``boundaries``: (code, GeoJSON geometry) pairs."""
        rows = list(divisions)
        self.gazetteer = Gazetteer(rows)
        self.elsewhere = Elsewhere(code for code, _, level in rows if level == DivisionLevel.city)
        self.index = BoundaryIndex(boundaries)
        self.h3_resolution = h3_resolution

    @classmethod
    def from_session(cls, session: Session, *, h3_resolution: int = DEFAULT_H3_RESOLUTION) -> Resolver:
        divisions = session.execute(select(Division.code, Division.name, Division.level)).all()
        boundaries = session.execute(
            select(Division.code, Division.boundary_geojson)
            .where(Division.level == DivisionLevel.district, Division.boundary_geojson.is_not(None))
            .order_by(Division.code)
        ).all()
        return cls(
            ((code, name, level) for code, name, level in divisions),
            ((code, text) for code, text in boundaries if text),
            h3_resolution=h3_resolution,
        )

    @classmethod
    def from_shipped(
        cls, city: str = shipped.BEIJING, *, h3_resolution: int = DEFAULT_H3_RESOLUTION
    ) -> Resolver:
        """A resolver over the data shipped with the package, without a database (tests, benchmarks)."""
        data = shipped.read_shipped(city)
        return cls(
            ((row.code, row.name, row.level) for row in data.rows),
            ((code, boundary.geometry_json) for code, boundary in data.boundaries.items()),
            h3_resolution=h3_resolution,
        )

    def ref(self, code: str) -> DivisionRef | None:
        return self.gazetteer.ref(code)

    # -- coordinates ------------------------------------------------------------------------
    def cell(self, lat: float, lng: float) -> str:
        check_coordinates(lat, lng)
        return str(h3.latlng_to_cell(lat, lng, self.h3_resolution))

    def resolve(self, lat: float, lng: float) -> PointResolution:
        """The district containing the point (None outside every district) and its H3 cell."""
        cell = self.cell(lat, lng)
        hit = self.index.locate(lng, lat)
        if hit is None:
            return PointResolution(lat=lat, lng=lng, district=None, cell=cell, confidence=0.0)
        confidence = INSIDE_CONFIDENCE if hit.edge_distance >= NEAR_EDGE else NEAR_EDGE_CONFIDENCE
        return PointResolution(
            lat=lat, lng=lng, district=self.ref(hit.code), cell=cell, confidence=confidence
        )

    def resolve_in_city(self, lat: float, lng: float) -> PointResolution:
        """Like ``resolve``, but a point outside every district is a ValidationFailed (for APIs)."""
        point = self.resolve(lat, lng)
        if point.district is None:
            raise OutsideCity(OUTSIDE_MESSAGE, field="lat")
        return point

    # -- address text -----------------------------------------------------------------------
    def resolve_text(self, address: str, *, within: str | None = None) -> TextResolution:
        """Districts, streets and communities named in a Chinese address, with a confidence."""
        return self.gazetteer.resolve(address, within=within)

    # -- both -------------------------------------------------------------------------------
    def locate(
        self, *, lat: float | None = None, lng: float | None = None, address: str | None = None
    ) -> Location:
        """Combine coordinates and address. The coordinates decide the district; the address
        supplies street and community within it. Outside the city (coordinates outside every district,
        or an address naming another province or city) is an ``OutsideCity``."""
        has_point = lat is not None and lng is not None
        if (lat is None) != (lng is None):
            raise ValidationFailed("经纬度须同时提供", field="lat" if lat is None else "lng")
        address = (address or "").strip() or None
        if not has_point and address is None:
            raise ValidationFailed("请提供经纬度或地址", field="address")
        if lat is None or lng is None:
            assert address is not None
            place = self.elsewhere.named_in(address)
            if place is not None:
                raise OutsideCity(ELSEWHERE_MESSAGE.format(place=place), field="address")
            return self._from_text(self.resolve_text(address))
        point = self.resolve_in_city(lat, lng)
        if address is None:
            return Location(
                source=LocationSource.coordinates,
                district=point.district,
                street=None,
                community=None,
                cell=point.cell,
                confidence=point.confidence,
            )
        return self._combine(point, address)

    def _from_text(self, text: TextResolution) -> Location:
        return Location(
            source=LocationSource.address,
            district=text.district,
            street=text.street,
            community=text.community,
            cell=None,
            confidence=text.confidence,
            candidates=text.candidates,
            matched=text.matched,
        )

    def _combine(self, point: PointResolution, address: str) -> Location:
        assert point.district is not None
        text = self.resolve_text(address, within=point.district.code)
        deeper = text.street is not None or text.community is not None
        conflict = False
        if not deeper:
            # Does the address point somewhere else entirely?
            anywhere = self.resolve_text(address)
            conflict = anywhere.district is not None and anywhere.district.code != point.district.code
        if deeper:
            confidence = 1 - (1 - text.confidence) * (1 - POINT_SUPPORT * point.confidence)
        elif conflict:
            confidence = point.confidence * CONFLICT_FACTOR
        else:
            confidence = point.confidence
        return Location(
            source=LocationSource.both,
            district=point.district,
            street=text.street,
            community=text.community,
            cell=point.cell,
            confidence=round(confidence, 3),
            candidates=text.candidates,
            matched=text.matched,
            conflict=conflict,
        )
