"""JSON routes for grid cells: the cells of a jurisdiction, a cell's community and its grid worker."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.deps import DbSession
from zhili.grid.cells import repository as grid
from zhili.grid.cells import service
from zhili.grid.cells.models import GridCell
from zhili.grid.cells.schemas import CellCommunityIn, CellWorkerIn, CellWorkerOut, GridCellOut, GridCellPage
from zhili.grid.policy import CellManager, GridReader

router = APIRouter(prefix="/api/grid", tags=["grid"])


def cell_out(cell: GridCell, worker_id: int | None = None) -> GridCellOut:
    return GridCellOut(
        cell=cell.cell,
        district_code=cell.district_code,
        community_code=cell.community_code,
        assigned_by=cell.assigned_by,
        lat=cell.lat,
        lng=cell.lng,
        worker_id=worker_id,
    )


@router.get("/cells", response_model=GridCellPage)
def list_cells(
    actor: GridReader,
    session: DbSession,
    division: str | None = Query(default=None, max_length=12),
    limit: int = Query(default=500, ge=1, le=5000),
    offset: int = Query(default=0, ge=0),
) -> GridCellPage:
    rows, total = grid.list_cells(session, actor, division, limit, offset)
    return GridCellPage(total=total, items=[cell_out(cell, worker) for cell, worker in rows])


@router.patch("/cells/{cell}", response_model=GridCellOut)
def assign_community(cell: str, body: CellCommunityIn, actor: CellManager, session: DbSession) -> GridCellOut:
    return cell_out(service.assign_community(session, actor, cell, body.community_code))


@router.put("/cells/{cell}/worker", response_model=CellWorkerOut)
def assign_worker(cell: str, body: CellWorkerIn, actor: CellManager, session: DbSession) -> CellWorkerOut:
    row = service.assign_worker(session, actor, cell, body.username)
    return CellWorkerOut(cell=row.cell, worker_id=row.user_id)
