"""Reads of grid cells, filtered by the actor's jurisdiction (a cell is readable through its
community, or through its district for cells not yet assigned)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.errors import NotFound
from zhili.grid.cells.models import GridCell, GridWorkerCell


def readable_cells(actor: Actor) -> ColumnElement[bool]:
    scope = readable(actor)
    return or_(scope.clause(GridCell.community_code), scope.clause(GridCell.district_code))


def get_cell(session: Session, actor: Actor, cell: str, *, field: str = "cell") -> GridCell:
    row = session.scalars(select(GridCell).where(GridCell.cell == cell, readable_cells(actor))).one_or_none()
    if row is None:
        raise NotFound(f"网格 {cell} 不存在或不在您的辖区内", field=field)
    return row


def list_cells(
    session: Session, actor: Actor, division: str | None = None, limit: int = 500, offset: int = 0
) -> tuple[Sequence[tuple[GridCell, int | None]], int]:
    where = [readable_cells(actor)]
    if division:
        where.append(
            or_(
                GridCell.community_code.startswith(division, autoescape=True),
                GridCell.district_code.startswith(division, autoescape=True),
            )
        )
    total = int(session.execute(select(func.count()).select_from(GridCell).where(*where)).scalar_one())
    rows = session.execute(
        select(GridCell, GridWorkerCell.user_id)
        .outerjoin(GridWorkerCell, GridWorkerCell.cell == GridCell.cell)
        .where(*where)
        .order_by(GridCell.community_code, GridCell.cell)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(cell, worker) for cell, worker in rows], total
