"""Browsing the division hierarchy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.divisions import repository
from zhili.divisions.models import DivisionLevel


def test_top_level_is_the_city(session: Session) -> None:
    cities = repository.children(session, None)
    assert [(item.code, item.name) for item in cities] == [("11", "北京市")]
    assert cities[0].child_count == 16


def test_children_of_each_level(session: Session) -> None:
    districts = repository.children(session, "11")
    assert len(districts) == 16
    assert {item.level for item in districts} == {DivisionLevel.district}
    assert [item.name for item in districts[:2]] == ["东城区", "西城区"]
    assert sum(item.child_count for item in districts) == 349

    streets = repository.children(session, "110105")
    assert "望京街道" in {item.name for item in streets}
    assert all(item.level == DivisionLevel.street and item.code.startswith("110105") for item in streets)

    communities = repository.children(session, "110105026")
    names = {item.name for item in communities}
    assert "望京西园三区社区居委会" in names
    assert all(item.child_count == 0 and item.level == DivisionLevel.community for item in communities)

    assert repository.children(session, "110105026051") == []
    assert repository.children(session, "99") == []


def test_get_and_ancestors(session: Session) -> None:
    community = repository.get_item(session, "110105026051")
    assert community is not None
    assert community.name == "望京西园三区社区居委会"
    assert [item.name for item in repository.ancestors(session, community)] == [
        "北京市",
        "朝阳区",
        "望京街道",
    ]
    assert repository.get(session, "110105") is not None
    assert repository.get(session, "000000") is None


def test_counts_by_level_within_a_district(session: Session) -> None:
    counts = repository.counts_by_level(session, within="110105")
    assert counts[DivisionLevel.city] == 0
    assert counts[DivisionLevel.district] == 1
    assert counts[DivisionLevel.street] == 43


def test_search_by_name(session: Session) -> None:
    found = repository.search(session, "八里庄街道")
    assert {(item.code[:6], item.name) for item in found} == {
        ("110105", "八里庄街道"),
        ("110108", "八里庄街道"),
    }
    assert repository.search(session, "望京", level=DivisionLevel.street)[0].name == "望京街道"
    assert all(
        item.code.startswith("110108") for item in repository.search(session, "八里庄", within="110108")
    )
    assert repository.search(session, "  ") == []
    assert repository.search(session, "%") == []
