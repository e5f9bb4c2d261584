"""Coordinates → district (point in polygon) and H3 cell."""

from __future__ import annotations

import json

import h3
import pytest
from shapely.geometry import shape
from sqlalchemy.orm import Session

from zhili.divisions.resolver import Resolver
from zhili.divisions.shipped import read_shipped
from zhili.errors import ValidationFailed

SHIPPED = read_shipped()
DISTRICT_NAMES = {row.code: row.name for row in SHIPPED.rows if len(row.code) == 6}
INTERIOR_POINTS = {
    code: shape(json.loads(boundary.geometry_json)).representative_point()
    for code, boundary in SHIPPED.boundaries.items()
}
LANDMARKS = [
    ("天安门", 39.9087, 116.3975, "东城区"),
    ("中关村", 39.9834, 116.3162, "海淀区"),
    ("望京", 39.9966, 116.4706, "朝阳区"),
    ("西单", 39.9066, 116.3740, "西城区"),
    ("北京西站", 39.8950, 116.3220, "丰台区"),
    ("首钢园", 39.9120, 116.1610, "石景山区"),
    ("北京城市副中心", 39.9090, 116.7300, "通州区"),
    ("大兴黄村", 39.7267, 116.3385, "大兴区"),
    ("八达岭长城", 40.3560, 116.0200, "延庆区"),
    ("慕田峪长城", 40.4310, 116.5640, "怀柔区"),
    ("密云水库", 40.5200, 116.9000, "密云区"),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_shipped()


@pytest.mark.parametrize("code", sorted(INTERIOR_POINTS))
def test_interior_point_of_each_district(resolver: Resolver, code: str) -> None:
    point = INTERIOR_POINTS[code]
    result = resolver.resolve(point.y, point.x)
    assert result.district is not None
    assert (result.district.code, result.district.name) == (code, DISTRICT_NAMES[code])


@pytest.mark.parametrize(("place", "lat", "lng", "district"), LANDMARKS)
def test_landmarks(resolver: Resolver, place: str, lat: float, lng: float, district: str) -> None:
    result = resolver.resolve(lat, lng)
    assert result.district is not None, place
    assert result.district.name == district, place


def test_cell_is_h3_at_the_configured_resolution(resolver: Resolver) -> None:
    result = resolver.resolve(39.9087, 116.3975)
    assert result.cell == h3.latlng_to_cell(39.9087, 116.3975, 10)
    assert h3.get_resolution(result.cell) == 10
    coarse = Resolver([], [], h3_resolution=7)
    assert h3.get_resolution(coarse.cell(39.9087, 116.3975)) == 7


def test_point_outside_the_city(resolver: Resolver) -> None:
    shanghai = resolver.resolve(31.2304, 121.4737)
    assert shanghai.district is None
    assert not shanghai.inside
    assert shanghai.confidence == 0
    assert shanghai.cell  # the cell is still computed
    with pytest.raises(ValidationFailed, match="坐标不在本市范围内") as caught:
        resolver.resolve_in_city(31.2304, 121.4737)
    assert caught.value.field == "lat"
    assert resolver.resolve_in_city(39.9966, 116.4706).inside


def test_confidence_is_lower_near_a_district_edge(resolver: Resolver) -> None:
    near_edge = resolver.resolve(39.9087, 116.3975)  # 天安门 lies ~100 m from the 西城区 line
    deep_inside = resolver.resolve(39.9966, 116.4706)
    assert near_edge.confidence < deep_inside.confidence


@pytest.mark.parametrize(
    ("lat", "lng", "field"), [(91.0, 116.0, "lat"), (39.9, 181.0, "lng"), (float("nan"), 116.0, "lat")]
)
def test_invalid_coordinates(resolver: Resolver, lat: float, lng: float, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        resolver.resolve(lat, lng)
    assert caught.value.field == field


def test_resolver_from_the_database(session: Session) -> None:
    resolver = Resolver.from_session(session, h3_resolution=9)
    assert len(resolver.index) == 16
    assert len(resolver.gazetteer) == 1 + 16 + 349 + 7535
    for _place, lat, lng, district in LANDMARKS[:3]:
        result = resolver.resolve(lat, lng)
        assert result.district is not None
        assert result.district.name == district
        assert h3.get_resolution(result.cell) == 9
    assert resolver.resolve_text("北京市朝阳区望京街道").street is not None
