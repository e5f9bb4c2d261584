"""Coordinates and address together."""

from __future__ import annotations

import pytest

from zhili.divisions.resolver import Resolver
from zhili.divisions.results import LocationSource
from zhili.errors import ValidationFailed

WANGJING = (39.9966, 116.4706)  # 朝阳区
ZHONGGUANCUN = (39.9834, 116.3162)  # 海淀区


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_shipped()


def test_coordinates_only(resolver: Resolver) -> None:
    location = resolver.locate(lat=WANGJING[0], lng=WANGJING[1])
    assert location.source == LocationSource.coordinates
    assert location.district is not None and location.district.name == "朝阳区"
    assert location.street is None and location.cell


def test_address_only(resolver: Resolver) -> None:
    location = resolver.locate(address="朝阳区望京街道")
    assert location.source == LocationSource.address
    assert location.street is not None and location.street.name == "望京街道"
    assert location.cell is None


def test_coordinates_settle_an_ambiguous_street(resolver: Resolver) -> None:
    in_chaoyang = resolver.locate(lat=WANGJING[0], lng=WANGJING[1], address="八里庄街道")
    in_haidian = resolver.locate(lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1], address="八里庄街道")
    assert in_chaoyang.street is not None and in_chaoyang.street.code == "110105015"
    assert in_haidian.street is not None and in_haidian.street.code == "110108005"
    assert in_chaoyang.source == LocationSource.both
    assert in_chaoyang.confidence > resolver.resolve_text("八里庄街道").confidence


def test_coordinates_and_address_agreeing_raise_confidence(resolver: Resolver) -> None:
    text_only = resolver.resolve_text("望京西园三区").confidence
    both = resolver.locate(lat=WANGJING[0], lng=WANGJING[1], address="望京西园三区")
    assert both.community is not None and both.community.code == "110105026051"
    assert both.confidence > text_only
    assert not both.conflict


def test_address_in_another_district_is_a_conflict(resolver: Resolver) -> None:
    location = resolver.locate(lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1], address="朝阳区望京街道")
    assert location.conflict
    assert location.district is not None and location.district.name == "海淀区"
    assert location.street is None
    assert location.confidence < resolver.locate(lat=ZHONGGUANCUN[0], lng=ZHONGGUANCUN[1]).confidence


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "address"),
        ({"address": "  "}, "address"),
        ({"lat": 39.9}, "lng"),
        ({"lng": 116.4, "address": "朝阳区"}, "lat"),
        ({"lat": 31.2304, "lng": 121.4737, "address": "朝阳区"}, "lat"),
    ],
)
def test_invalid_requests(resolver: Resolver, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        resolver.locate(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
