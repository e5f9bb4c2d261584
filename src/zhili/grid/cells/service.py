"""Cell edits: a cell's community (a manual assignment survives regeneration) and its grid worker."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.models import User
from zhili.auth.scope import Actor, readable
from zhili.divisions.models import Division, DivisionLevel
from zhili.errors import Forbidden, ValidationFailed
from zhili.grid.cells import repository as grid
from zhili.grid.cells.models import AssignedBy, GridCell, GridWorkerCell
from zhili.grid.policy import can_manage_cells, works_the_grid
from zhili.kernel.clock import utcnow


def _manager(actor: Actor, code: str | None) -> None:
    can_manage_cells.require(actor)
    if not readable(actor).covers(code):
        raise Forbidden("该网格不在您的辖区内")


def assign_community(session: Session, actor: Actor, cell_id: str, community_code: str) -> GridCell:
    cell = grid.get_cell(session, actor, cell_id)
    _manager(actor, cell.community_code or cell.district_code)
    community = session.get(Division, community_code)
    if community is None or community.level != DivisionLevel.community:
        raise ValidationFailed(f"未知的社区编码：{community_code}", field="community_code")
    if not community_code.startswith(cell.district_code):
        raise ValidationFailed("只能划入网格所在区的社区", field="community_code")
    _manager(actor, community_code)
    before = cell.community_code
    cell.community_code = community_code
    cell.assigned_by = AssignedBy.manual
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="grid.cell.assign",
        target_type="grid_cell",
        target_id=cell.cell,
        detail={"from": before, "to": community_code},
    )
    return cell


def assign_worker(session: Session, actor: Actor, cell_id: str, username: str) -> GridWorkerCell:
    cell = grid.get_cell(session, actor, cell_id)
    _manager(actor, cell.community_code or cell.district_code)
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None or not user.is_active or not works_the_grid(user.role):
        raise ValidationFailed(f"{username} 不是在岗的网格员", field="username")
    row = session.execute(select(GridWorkerCell).where(GridWorkerCell.cell == cell.cell)).scalar_one_or_none()
    if row is None:
        row = GridWorkerCell(cell=cell.cell)
        session.add(row)
    row.user_id = user.id
    row.assigned_by = actor.username
    row.assigned_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="grid.worker.assign",
        target_type="grid_cell",
        target_id=cell.cell,
        detail={"worker": username},
    )
    return row
