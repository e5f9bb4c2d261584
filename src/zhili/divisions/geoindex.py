"""Point-in-polygon over division boundaries: an STRtree of prepared shapely geometries."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True, slots=True)
class Hit:
    code: str
    # Distance from the point to the nearest edge, in degrees (about 111 km per degree of latitude).
    edge_distance: float


class BoundaryIndex:
    def __init__(self, boundaries: Iterable[tuple[str, str]]) -> None:
        """``boundaries``: (code, GeoJSON geometry text) pairs."""
        self.codes: list[str] = []
        geometries: list[BaseGeometry] = []
        for code, geometry_json in boundaries:
            geometry = shape(json.loads(geometry_json))
            if geometry.is_empty:
                continue
            shapely.prepare(geometry)
            self.codes.append(code)
            geometries.append(geometry)
        self._edges = [geometry.boundary for geometry in geometries]
        self._tree = STRtree(geometries)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lng: float, lat: float) -> Hit | None:
        """The division containing the point. Simplified outlines overlap in thin slivers; there the
        division the point lies deepest inside wins."""
        if not self.codes:
            return None
        point = Point(lng, lat)
        hits = [
            Hit(self.codes[index], float(self._edges[index].distance(point)))
            for index in self._tree.query(point, predicate="intersects")
        ]
        return max(hits, key=lambda hit: (hit.edge_distance, hit.code), default=None)
