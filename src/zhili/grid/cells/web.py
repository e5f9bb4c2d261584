"""A grid cell's page, opened from the grid map: where it is, its community and grid worker, the open
cases located in it and what patrols found there. Only a cell the actor may read (404 otherwise)."""

from __future__ import annotations

from typing import Annotated

import h3
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from zhili.auth.models import User
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.cases.states import OPEN_STATES, STATE_LABELS
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.grid.cells import repository as grid
from zhili.grid.cells.models import GridWorkerCell
from zhili.grid.patrols.models import FieldEvent
from zhili.grid.policy import GridReader
from zhili.settings import Settings
from zhili.taxonomy.enums import CHANNEL_LABELS
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)
CASES_SHOWN = 50


def case_cells(cell: str, resolution: int) -> list[str]:
    """The case-resolution cells inside a grid cell (a case is located at ``ZHILI_H3_RESOLUTION``)."""
    own = h3.get_resolution(cell)
    return [cell] if resolution <= own else sorted(h3.cell_to_children(cell, resolution))


@router.get("/grid/cells/{cell}", response_class=HTMLResponse)
def cell_page(
    request: Request,
    cell: Annotated[str, Path(max_length=16)],
    session: DbSession,
    actor: GridReader,
) -> HTMLResponse:
    row = grid.get_cell(session, actor, cell)
    settings: Settings = request.app.state.settings
    inside = case_cells(row.cell, settings.h3_resolution)
    open_here = readable_cases(actor).where(Case.h3_cell.in_(inside), Case.state.in_(OPEN_STATES))
    cases = session.scalars(open_here.order_by(Case.received_at.desc()).limit(CASES_SHOWN)).all()
    total_open = session.execute(
        select(func.count()).select_from(open_here.order_by(None).subquery())
    ).scalar_one()
    worker = session.execute(
        select(User.display_name)
        .join(GridWorkerCell, GridWorkerCell.user_id == User.id)
        .where(GridWorkerCell.cell == row.cell)
    ).scalar_one_or_none()
    found = session.execute(
        select(func.count()).select_from(FieldEvent).where(FieldEvent.cell == row.cell)
    ).scalar_one()
    codes = [row.district_code, *([row.community_code[:9], row.community_code] if row.community_code else [])]
    names = divisions.names_of(session, codes)
    context = {
        "c": row,
        "places": [names[code] for code in codes if code in names],
        "back": row.community_code[:9] if row.community_code else row.district_code,
        "worker": worker,
        "cases": cases,
        "total_open": int(total_open),
        "found": int(found),
        "state_labels": STATE_LABELS,
        "channel_labels": CHANNEL_LABELS,
    }
    return render(request, "grid/cell.html", context)
