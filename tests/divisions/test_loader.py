"""Loading the shipped Beijing divisions: exact counts, idempotence, validation before any write."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.divisions import repository
from zhili.divisions.models import Division, DivisionLevel
from zhili.divisions.records import DivisionRow
from zhili.divisions.service import load_beijing, load_divisions
from zhili.divisions.shipped import read_shipped
from zhili.errors import ValidationFailed

BEIJING_COUNTS = {
    DivisionLevel.city: 1,
    DivisionLevel.district: 16,
    DivisionLevel.street: 349,
    DivisionLevel.community: 7535,
}


def test_shipped_data_has_the_beijing_counts() -> None:
    data = read_shipped()
    counts = {level: sum(1 for row in data.rows if row.level == level) for level in DivisionLevel}
    assert counts == BEIJING_COUNTS
    assert data.rows[0] == DivisionRow("11", "北京市", DivisionLevel.city, None)
    assert len({row.code for row in data.rows}) == len(data.rows)


def test_shipped_boundaries_are_the_16_districts_and_valid() -> None:
    data = read_shipped()
    districts = {row.code for row in data.rows if row.level == DivisionLevel.district}
    assert set(data.boundaries) == districts
    for boundary in data.boundaries.values():
        geometry = shape(json.loads(boundary.geometry_json))
        assert geometry.is_valid
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert 115.4 < boundary.center_lng < 117.6
        assert 39.4 < boundary.center_lat < 41.1


def test_database_holds_beijing(session: Session) -> None:
    assert repository.counts_by_level(session, within="11") == BEIJING_COUNTS
    chaoyang = session.get(Division, "110105")
    assert chaoyang is not None
    assert (chaoyang.name, chaoyang.level, chaoyang.parent_code) == ("朝阳区", DivisionLevel.district, "11")
    assert chaoyang.center_lng is not None
    assert chaoyang.boundary_geojson


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = repository.counts_by_level(session)
    assert load_beijing(session) == 0
    assert load_beijing(session) == 0
    assert repository.counts_by_level(session) == before


def test_reload_repairs_a_changed_row_only(session: Session) -> None:
    division = session.get(Division, "110105026")
    assert division is not None
    division.name = "旧名称"
    session.flush()
    session.expire_all()
    assert load_beijing(session) == 1
    assert session.get(Division, "110105026").name == "望京街道"  # type: ignore[union-attr]


def test_new_rows_are_inserted_under_existing_parents(session: Session) -> None:
    rows = [DivisionRow("110105026999", "测试社区居委会", DivisionLevel.community, "110105026")]
    assert load_divisions(session, rows) == 1
    assert load_divisions(session, rows) == 0
    assert repository.get(session, "110105026999") is not None


def _count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Division)) or 0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "没有可导入"),
        ([DivisionRow("110105097001", "孤儿社区", DivisionLevel.community, "110105097")], "不存在"),
        ([DivisionRow("1101050269", "错码", DivisionLevel.community, "110105026")], "级别"),
        ([DivisionRow("120101", "和平区", DivisionLevel.district, "110105")], "上级代码"),
        ([DivisionRow("110105099", "错级", DivisionLevel.street, "11")], "不衔接"),
        (
            [
                DivisionRow("110105026996", "甲社区", DivisionLevel.community, "110105026"),
                DivisionRow("110105026996", "乙社区", DivisionLevel.community, "110105026"),
            ],
            "重复",
        ),
        (
            [
                DivisionRow("110105026995", "好社区", DivisionLevel.community, "110105026"),
                DivisionRow("110105026994", "", DivisionLevel.community, "110105026"),
            ],
            "名称",
        ),
    ],
)
def test_invalid_rows_write_nothing(session: Session, rows: list[DivisionRow], message: str) -> None:
    before = _count(session)
    with pytest.raises(ValidationFailed, match=message):
        load_divisions(session, rows)
    assert _count(session) == before
