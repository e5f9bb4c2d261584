"""Reads of a grid worker's own patrol plans, patrols and 核查 tasks, and the per-cell figures, which
count only the cells and cases the actor may read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.grid.cells.generate import grid_cell_of
from zhili.grid.cells.models import GridCell
from zhili.grid.cells.repository import readable_cells
from zhili.grid.patrols.models import FieldEvent, PatrolPlan, PatrolRecord, TaskStatus, VerificationTask
from zhili.grid.patrols.schemas import CellFiguresOut
from zhili.taxonomy.enums import Channel


def plans_of(session: Session, worker_id: int) -> Sequence[PatrolPlan]:
    return session.scalars(
        select(PatrolPlan).where(PatrolPlan.worker_id == worker_id).order_by(PatrolPlan.id.desc())
    ).all()


def patrols_of(session: Session, worker_id: int, limit: int = 100) -> Sequence[PatrolRecord]:
    return session.scalars(
        select(PatrolRecord)
        .where(PatrolRecord.worker_id == worker_id)
        .order_by(PatrolRecord.started_at.desc())
        .limit(limit)
    ).all()


def open_patrol(session: Session, worker_id: int) -> PatrolRecord | None:
    return session.scalars(
        select(PatrolRecord).where(PatrolRecord.worker_id == worker_id, PatrolRecord.ended_at.is_(None))
    ).first()


def pending_task(session: Session, case_id: int) -> VerificationTask | None:
    return session.scalars(
        select(VerificationTask).where(
            VerificationTask.case_id == case_id, VerificationTask.status == TaskStatus.pending
        )
    ).first()


def tasks_for(
    session: Session, worker_id: int, status: TaskStatus | None = None
) -> Sequence[tuple[VerificationTask, str]]:
    statement = (
        select(VerificationTask, Case.code)
        .join(Case, Case.id == VerificationTask.case_id)
        .where(VerificationTask.assignee_id == worker_id)
        .order_by(VerificationTask.created_at.desc())
    )
    if status is not None:
        statement = statement.where(VerificationTask.status == status)
    return [(task, code) for task, code in session.execute(statement).all()]


def figures(session: Session, actor: Actor, division: str, resolution: int) -> list[CellFiguresOut]:
    """Per grid cell: events found on patrol versus complaints received through other channels."""
    cells = {
        cell: community
        for cell, community in session.execute(
            select(GridCell.cell, GridCell.community_code).where(
                readable_cells(actor),
                or_(
                    GridCell.community_code.startswith(division, autoescape=True),
                    GridCell.district_code.startswith(division, autoescape=True),
                ),
            )
        )
    }
    found = Counter(
        dict(
            session.execute(
                select(FieldEvent.cell, func.count())
                .where(FieldEvent.cell.in_(cells))
                .group_by(FieldEvent.cell)
            ).all()
        )
        if cells
        else {}
    )
    received: Counter[str] = Counter()
    statement = (
        readable_cases(actor)
        .with_only_columns(Case.h3_cell, func.count())
        .where(Case.channel != Channel.grid, Case.h3_cell.is_not(None))
        .group_by(Case.h3_cell)
    )
    for h3_cell, n in session.execute(statement):
        parent = grid_cell_of(h3_cell, resolution)
        if parent in cells:
            received[parent] += int(n)
    rows = [
        CellFiguresOut(
            cell=cell, community_code=cells[cell], found=int(found[cell]), received=int(received[cell])
        )
        for cell in cells
        if found[cell] or received[cell]
    ]
    return sorted(rows, key=lambda row: (-(row.found + row.received), row.cell))
