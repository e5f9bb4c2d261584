"""Generate the grid: H3 cells covering each district's outline, each assigned to a community.

Communities have no outlines in the shipped data, so the first assignment is a documented rule,
not geography: a district's cells are ordered along a serpentine sweep (bands of latitude from north
to south, alternately west→east and east→west) and cut into as many consecutive runs of near-equal
size as the district has communities, which get them in code order. Each community so receives a
compact patch of cells. Street offices then correct it (``PATCH /api/grid/cells/{cell}``); manual
assignments are marked and survive regeneration.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import h3
from shapely.geometry import shape
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from zhili.divisions.models import Division, DivisionLevel
from zhili.errors import ValidationFailed
from zhili.grid.cells.models import AssignedBy, GridCell

KM_PER_DEGREE = 111.0
BAND_CELLS = 2  # height of a sweep band, in cell edge lengths
STALE_CHUNK = 500  # cells per DELETE (SQLite's bound-parameter limit)


@dataclass(frozen=True)
class Generated:
    districts: int
    cells: int
    kept_manual: int


def cells_of_outline(geometry_json: str, resolution: int) -> list[str]:
    geometry = shape(json.loads(geometry_json))
    return sorted(set(h3.geo_to_cells(geometry.__geo_interface__, resolution)))


def serpentine(cells: Sequence[str], resolution: int) -> list[str]:
    """Cells in sweep order: north to south in bands, alternating direction in each band."""
    band = BAND_CELLS * h3.average_hexagon_edge_length(resolution, "km") / KM_PER_DEGREE
    centres = {cell: h3.cell_to_latlng(cell) for cell in cells}
    top = max((lat for lat, _ in centres.values()), default=0.0)

    def key(cell: str) -> tuple[int, float]:
        lat, lng = centres[cell]
        row = math.floor((top - lat) / band)
        return row, lng if row % 2 == 0 else -lng

    return sorted(cells, key=key)


def split_evenly(ordered: Sequence[str], owners: Sequence[str]) -> dict[str, str]:
    """Consecutive runs of near-equal size: cell i goes to owner floor(i * n / len)."""
    if not owners:
        return {}
    total = len(ordered)
    return {cell: owners[index * len(owners) // total] for index, cell in enumerate(ordered)}


def generate(session: Session, resolution: int, district: str | None = None) -> Generated:
    """(Re)build the cells of every district with an outline, or of one district."""
    statement = select(Division).where(
        Division.level == DivisionLevel.district, Division.boundary_geojson.is_not(None)
    )
    if district:
        statement = statement.where(Division.code == district)
    districts = session.scalars(statement.order_by(Division.code)).all()
    if district and not districts:
        raise ValidationFailed(f"未知的区编码或该区没有边界数据：{district}", field="district")
    seen: set[str] = set()
    created = kept = 0
    for row in districts:
        cells = [c for c in cells_of_outline(row.boundary_geojson or "", resolution) if c not in seen]
        seen.update(cells)
        existing = {
            cell: assigned_by
            for cell, assigned_by in session.execute(
                select(GridCell.cell, GridCell.assigned_by).where(GridCell.district_code == row.code)
            )
        }
        communities = session.scalars(
            select(Division.code)
            .where(Division.level == DivisionLevel.community, Division.code.startswith(row.code))
            .order_by(Division.code)
        ).all()
        owners = split_evenly(serpentine(cells, resolution), communities)
        # Tens of thousands of cells per run: written in bulk (by primary key), not object by object.
        new_rows: list[dict[str, object]] = []
        redrawn: list[dict[str, object]] = []
        for cell in cells:
            assigned_by = existing.pop(cell, None)
            if assigned_by == AssignedBy.manual:
                kept += 1
                continue
            lat, lng = h3.cell_to_latlng(cell)
            values = {
                "cell": cell,
                "community_code": owners.get(cell),
                "assigned_by": AssignedBy.generated,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
            }
            if assigned_by is None:
                new_rows.append({**values, "district_code": row.code})
            else:
                redrawn.append(values)
        if new_rows:
            session.execute(insert(GridCell), new_rows)
            created += len(new_rows)
        if redrawn:
            session.execute(update(GridCell), redrawn)
        stale = [cell for cell, assigned_by in existing.items() if assigned_by != AssignedBy.manual]
        for chunk in range(0, len(stale), STALE_CHUNK):
            session.execute(delete(GridCell).where(GridCell.cell.in_(stale[chunk : chunk + STALE_CHUNK])))
    return Generated(districts=len(districts), cells=created, kept_manual=kept)


def grid_cell_of(h3_cell: str | None, resolution: int) -> str | None:
    """The grid cell containing a (finer) case cell."""
    if not h3_cell:
        return None
    own = h3.get_resolution(h3_cell)
    if own == resolution:
        return h3_cell
    if own < resolution:
        return None
    return str(h3.cell_to_parent(h3_cell, resolution))
