"""JSON routes for grid cells: the cells of a jurisdiction, a cell's community and its grid worker."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from zhili.deps import DbSession
from zhili.grid.cells import repository as grid
from zhili.grid.cells import service
from zhili.grid.cells.models import GridCell
from zhili.grid.cells.schemas import CellCommunityIn, CellWorkerIn
from zhili.grid.policy import CellManager, GridReader

router = APIRouter(prefix="/api/grid", tags=["grid"])


def cell_view(cell: GridCell, worker_id: int | None = None) -> dict[str, Any]:
    return {
        "cell": cell.cell,
        "district_code": cell.district_code,
        "community_code": cell.community_code,
        "assigned_by": cell.assigned_by.value,
        "lat": cell.lat,
        "lng": cell.lng,
        "worker_id": worker_id,
    }


@router.get("/cells")
def list_cells(
    actor: GridReader,
    session: DbSession,
    division: str | None = Query(default=None, max_length=12),
    limit: int = Query(default=500, ge=1, le=5000),
    offset: int = Query(default=0, ge=0),
) -> dict[str, Any]:
    rows, total = grid.list_cells(session, actor, division, limit, offset)
    return {"total": total, "items": [cell_view(cell, worker) for cell, worker in rows]}


@router.patch("/cells/{cell}")
def assign_community(
    cell: str, body: CellCommunityIn, actor: CellManager, session: DbSession
) -> dict[str, Any]:
    return cell_view(service.assign_community(session, actor, cell, body.community_code))


@router.put("/cells/{cell}/worker")
def assign_worker(cell: str, body: CellWorkerIn, actor: CellManager, session: DbSession) -> dict[str, Any]:
    row = service.assign_worker(session, actor, cell, body.username)
    return {"cell": row.cell, "worker_id": row.user_id}
