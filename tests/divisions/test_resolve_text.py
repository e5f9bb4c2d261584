"""Address text → district / street / community, with confidence and ambiguity."""

from __future__ import annotations

import pytest

from zhili.divisions.resolver import Resolver


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.from_shipped()


def _names(resolver: Resolver, address: str) -> tuple[str | None, str | None, str | None]:
    result = resolver.resolve_text(address)
    return (
        result.district.name if result.district else None,
        result.street.name if result.street else None,
        result.community.name if result.community else None,
    )


def test_the_spec_example(resolver: Resolver) -> None:
    result = resolver.resolve_text("北京市朝阳区望京街道望京西园三区")
    assert result.district is not None and result.district.name == "朝阳区"
    assert result.street is not None and result.street.name == "望京街道"
    assert result.community is not None and result.community.code == "110105026051"
    assert result.city is not None and result.city.code == "11"
    assert result.confidence >= 0.9
    assert not result.ambiguous


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        # Names without their suffixes.
        ("朝阳望京", ("朝阳区", "望京街道", None)),
        ("北京市 朝阳区　望京街道", ("朝阳区", "望京街道", None)),
        ("延庆县康庄镇", ("延庆区", "康庄镇", None)),
        # 地区 offices are also called 乡; 民族乡 without the people's name.
        ("朝阳区南磨房乡", ("朝阳区", "南磨房地区", None)),
        ("怀柔区长哨营乡", ("怀柔区", "长哨营满族乡", None)),
        # Communities: 社区居委会 / 居委会 / 村委会 / 村民委员会 written as 社区 or 村.
        ("东城区多福巷社区", ("东城区", "东华门街道", "多福巷社区居委会")),
        ("西城区新兴里社区", ("西城区", "陶然亭街道", "新兴里居委会")),
        ("朝阳区小红门乡牌坊村", ("朝阳区", "小红门地区", "牌坊村村民委员会")),
        ("崔各庄乡望京村", ("朝阳区", "崔各庄地区", "望京村委会")),
        # A community alone implies its street and district.
        ("望京西园三区3号楼", ("朝阳区", "望京街道", "望京西园三区社区居委会")),
    ],
)
def test_addresses(resolver: Resolver, address: str, expected: tuple[str | None, ...]) -> None:
    assert _names(resolver, address) == expected


def test_longest_name_wins_over_a_shorter_one_inside_it(resolver: Resolver) -> None:
    # 朝阳门 (a street of 东城区) is not 朝阳 (the district).
    assert _names(resolver, "朝阳门北大街") == ("东城区", "朝阳门街道", None)
    # 望京 alone is the street; the village 望京村委会 is only found as 望京村.
    assert _names(resolver, "望京")[:2] == ("朝阳区", "望京街道")


def test_names_are_split_to_cover_the_most_text(resolver: Resolver) -> None:
    # Not 宛平城 (a community) + 北社区, but 宛平 (the street) + 城北社区.
    assert _names(resolver, "丰台宛平城北社区") == ("丰台区", "宛平街道", "城北社区")
    assert resolver.resolve_text("丰台宛平城北社区").matched == ("丰台", "宛平", "城北社区")


def test_unstated_levels_lower_the_confidence(resolver: Resolver) -> None:
    full = resolver.resolve_text("北京市朝阳区望京街道望京西园三区").confidence
    community_only = resolver.resolve_text("望京西园三区").confidence
    bare_district = resolver.resolve_text("朝阳").confidence
    assert community_only < full
    assert bare_district < resolver.resolve_text("朝阳区").confidence == 1.0


def test_same_street_name_in_two_districts_is_ambiguous_without_the_district(resolver: Resolver) -> None:
    result = resolver.resolve_text("八里庄街道")
    assert result.ambiguous
    assert result.district is None and result.street is None
    assert result.confidence <= 0.3
    assert {candidate.code for candidate in result.candidates} == {"110105015", "110108005"}
    assert {candidate.path for candidate in result.candidates} == {"朝阳区/八里庄街道", "海淀区/八里庄街道"}


@pytest.mark.parametrize(
    ("address", "district_code"),
    [("海淀区八里庄街道", "110108"), ("北京市朝阳区八里庄街道", "110105"), ("朝阳八里庄", "110105")],
)
def test_same_street_name_is_resolved_by_the_district(
    resolver: Resolver, address: str, district_code: str
) -> None:
    result = resolver.resolve_text(address)
    assert not result.ambiguous
    assert result.street is not None and result.street.name == "八里庄街道"
    assert result.street.code.startswith(district_code)
    assert result.confidence >= 0.8


def test_ambiguous_village_keeps_the_shared_district(resolver: Resolver) -> None:
    anywhere = resolver.resolve_text("辛庄村")
    assert anywhere.ambiguous and anywhere.district is None
    in_changping = resolver.resolve_text("昌平区辛庄村")
    assert in_changping.ambiguous
    assert in_changping.district is not None and in_changping.district.name == "昌平区"
    assert in_changping.street is None
    assert all(candidate.code.startswith("110114") for candidate in in_changping.candidates)
    # The official 辛庄村 of 丰台区 must not beat the 辛庄村委会 elsewhere on its suffix alone.
    assert "110106" not in {candidate.code[:6] for candidate in in_changping.candidates}


def test_contradicting_district_keeps_the_district_and_lowers_confidence(resolver: Resolver) -> None:
    result = resolver.resolve_text("海淀区望京街道")
    assert result.district is not None and result.district.name == "海淀区"
    assert result.street is None
    assert result.confidence < 0.8


def test_within_restricts_the_readings(resolver: Resolver) -> None:
    result = resolver.resolve_text("八里庄街道", within="110108")
    assert result.street is not None and result.street.code == "110108005"


@pytest.mark.parametrize("address", ["", "   ", "上海市浦东新区世纪大道100号", "abc"])
def test_nothing_found(resolver: Resolver, address: str) -> None:
    result = resolver.resolve_text(address)
    assert result.deepest is None
    assert result.confidence == 0
    assert not result.ambiguous
