"""District outlines from GeoJSON: read a FeatureCollection, repair its polygons, and match each
feature to a district by code or by name.

Outlines from map packages are simplified and often self-intersect; they are repaired (``make_valid``)
and snapped to a 1e-6° grid (about 0.1 m) so that point-in-polygon tests behave.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from zhili.divisions.models import DivisionLevel
from zhili.divisions.records import Boundary, DivisionRow
from zhili.errors import ValidationFailed

GRID_SIZE = 1e-6
ECHARTS_SCALE = 1024
NAME_KEYS = ("name", "NAME", "Name", "名称")
CODE_KEYS = ("code", "adcode", "CODE", "id")
CENTER_KEYS = ("center", "cp", "centroid")
DISTRICT_SUFFIXES = ("自治县", "区", "县", "市")


@dataclass(frozen=True)
class BoundaryMatch:
    """Boundaries keyed by district code, and the names of features that matched no district."""

    by_code: dict[str, Boundary]
    unmatched: list[str] = field(default_factory=list)


def _decode_ring(encoded: str, offset: Sequence[int], scale: float) -> list[list[float]]:
    # ECharts' compressed GeoJSON: pairs of characters hold zigzag-encoded deltas from the offset.
    x, y = int(offset[0]), int(offset[1])
    ring: list[list[float]] = []
    for index in range(0, len(encoded) - 1, 2):
        dx, dy = ord(encoded[index]) - 64, ord(encoded[index + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append([x / scale, y / scale])
    return ring


def decode_echarts(document: dict[str, Any]) -> None:
    """Expand, in place, a FeatureCollection saved in ECharts' ``UTF8Encoding`` form."""
    scale = float(document.get("UTF8Scale") or ECHARTS_SCALE)
    for feature in document.get("features") or []:
        geometry = feature.get("geometry") or {}
        offsets = geometry.pop("encodeOffsets", None)
        if offsets is None:
            continue
        rings = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            geometry["coordinates"] = [_decode_ring(r, o, scale) for r, o in zip(rings, offsets, strict=True)]
        elif geometry.get("type") == "MultiPolygon":
            geometry["coordinates"] = [
                [_decode_ring(r, o, scale) for r, o in zip(polygon, polygon_offsets, strict=True)]
                for polygon, polygon_offsets in zip(rings, offsets, strict=True)
            ]
    document["UTF8Encoding"] = False


def read_features(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ValidationFailed(f"找不到边界文件：{path}", field="boundaries")
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"边界文件不是有效的 GeoJSON：{path.name}", field="boundaries") from exc
    if isinstance(document, dict) and document.get("UTF8Encoding"):
        try:
            decode_echarts(document)
        except (TypeError, ValueError, IndexError) as exc:
            raise ValidationFailed(
                f"无法解码 ECharts 压缩的 GeoJSON：{path.name}", field="boundaries"
            ) from exc
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise ValidationFailed(f"边界文件中没有要素（FeatureCollection）：{path.name}", field="boundaries")
    return [feature for feature in features if isinstance(feature, dict)]


def clean_geometry(geometry: Mapping[str, Any]) -> BaseGeometry:
    """A valid Polygon or MultiPolygon from GeoJSON geometry, or ValidationFailed."""
    try:
        shaped = shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise ValidationFailed("边界几何无效", field="boundaries") from exc
    if shaped.geom_type not in ("Polygon", "MultiPolygon") or shaped.is_empty:
        raise ValidationFailed(f"边界几何应为多边形，而不是 {shaped.geom_type}", field="boundaries")
    repaired = shapely.make_valid(shaped, method="structure", keep_collapsed=False)
    snapped = shapely.set_precision(repaired, GRID_SIZE)
    if snapped.geom_type not in ("Polygon", "MultiPolygon") or snapped.is_empty:
        raise ValidationFailed("边界几何修复后为空", field="boundaries")
    return snapped


def _center(properties: Mapping[str, Any], geometry: BaseGeometry) -> tuple[float, float]:
    for key in CENTER_KEYS:
        value = properties.get(key)
        if isinstance(value, Sequence) and len(value) == 2:
            lng, lat = value
            if isinstance(lng, int | float) and isinstance(lat, int | float) and math.isfinite(lng + lat):
                return float(lng), float(lat)
    point = geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)


def geometry_json(geometry: BaseGeometry) -> str:
    return json.dumps(mapping(geometry), separators=(",", ":"))


def boundary_of(feature: Mapping[str, Any]) -> Boundary:
    properties = feature.get("properties") or {}
    geometry = clean_geometry(feature.get("geometry") or {})
    lng, lat = _center(properties, geometry)
    return Boundary(geometry_json=geometry_json(geometry), center_lng=lng, center_lat=lat)


def feature_name(feature: Mapping[str, Any]) -> str:
    properties = feature.get("properties") or {}
    for key in NAME_KEYS:
        value = properties.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _feature_code(feature: Mapping[str, Any]) -> str:
    properties = feature.get("properties") or {}
    for key in CODE_KEYS:
        value = properties.get(key, feature.get(key) if key == "id" else None)
        if isinstance(value, str | int) and str(value).isdigit():
            return str(value)
    return ""


def _short(name: str) -> str:
    for suffix in DISTRICT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def match_districts(features: Iterable[Mapping[str, Any]], rows: Iterable[DivisionRow]) -> BoundaryMatch:
    """Match features to district rows by code, then by exact name, then by name without 区/县."""
    districts = [row for row in rows if row.level == DivisionLevel.district]
    codes = {row.code for row in districts}
    by_name = {row.name: row.code for row in districts}
    by_short: dict[str, list[str]] = {}
    for row in districts:
        by_short.setdefault(_short(row.name), []).append(row.code)

    matched: dict[str, Boundary] = {}
    unmatched: list[str] = []
    for feature in features:
        name = feature_name(feature)
        code = _feature_code(feature)
        if code not in codes:
            short_matches = by_short.get(_short(name), [])
            code = by_name.get(name) or (short_matches[0] if len(short_matches) == 1 else "")
        if not code:
            unmatched.append(name or "（无名称）")
            continue
        matched[code] = boundary_of(feature)
    return BoundaryMatch(by_code=matched, unmatched=unmatched)


def read_district_boundaries(path: Path, rows: Sequence[DivisionRow]) -> BoundaryMatch:
    """Boundaries for the districts among ``rows``; refuses a file where no feature matches."""
    result = match_districts(read_features(path), rows)
    if not result.by_code:
        raise ValidationFailed(f"边界文件中没有与区县代码或名称相符的要素：{path.name}", field="boundaries")
    return result
