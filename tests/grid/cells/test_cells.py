"""Grid cells: generated from the district outline in near-equal runs per community, and edited by
hand (a cell's community, its grid worker), which regeneration keeps."""

from __future__ import annotations

from typing import Any

import h3
from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client
from grid.cells.wangjing import CELL_KEYS, CHAOYANG, wangjing_cell
from zhili.grid.cells.generate import generate, serpentine, split_evenly
from zhili.grid.cells.models import GridCell


def test_generation_rule_is_even_and_complete(session: Session) -> None:
    result = generate(session, 8, CHAOYANG)
    cells = session.scalars(select(GridCell).where(GridCell.district_code == CHAOYANG)).all()
    assert result.cells == len(cells) > 400
    per_community: dict[str, int] = {}
    for cell in cells:
        assert cell.community_code and cell.community_code.startswith(CHAOYANG)
        per_community[cell.community_code] = per_community.get(cell.community_code, 0) + 1
    # Near-equal runs: sizes differ by at most one (only when there are more cells than communities).
    if len(cells) >= len(per_community):
        assert max(per_community.values()) - min(per_community.values()) <= 1
    assert split_evenly(["a", "b", "c", "d", "e"], ["x", "y"]) == {
        "a": "x",
        "b": "x",
        "c": "x",
        "d": "y",
        "e": "y",
    }
    ordered = serpentine([c.cell for c in cells], 8)
    assert sorted(ordered) == sorted(c.cell for c in cells)
    # Regenerating keeps a manual assignment.
    cells[0].community_code, cells[0].assigned_by = cells[-1].community_code, cells[0].assigned_by.manual
    again = generate(session, 8, CHAOYANG)
    assert again.kept_manual == 1 and again.cells == 0


def test_regeneration_redraws_generated_cells_and_drops_those_no_longer_drawn(session: Session) -> None:
    generate(session, 8, CHAOYANG)
    first, manual = session.scalars(
        select(GridCell).where(GridCell.district_code == CHAOYANG).order_by(GridCell.cell).limit(2)
    ).all()
    owner = first.community_code
    first.community_code = manual.community_code = None  # drifted, but still marked generated
    manual.assigned_by = manual.assigned_by.manual
    session.flush()
    again = generate(session, 8, CHAOYANG)
    session.expire_all()
    assert again.cells == 0 and first.community_code == owner  # the rule's owner again
    coarser = generate(session, 7, CHAOYANG)
    session.expire_all()
    drawn = select(GridCell.cell, GridCell.assigned_by).where(GridCell.district_code == CHAOYANG)
    left = {cell: assigned_by for cell, assigned_by in session.execute(drawn)}
    assert coarser.cells == len(left) - 1 and coarser.kept_manual == 0
    assert left.pop(manual.cell) == manual.assigned_by.manual  # kept, though no longer drawn
    assert {h3.get_resolution(cell) for cell in left} == {7}  # every other resolution-8 cell is gone


def test_cells_of_a_community_carry_their_grid_worker(app: Any, session: Session) -> None:
    cell, community = wangjing_cell(app, session)
    listed = client(app, "dispatcher").get("/api/grid/cells", params={"division": community})
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert set(page) == {"total", "items"} and page["total"] == len(page["items"]) >= 1
    assert all(set(item) == CELL_KEYS and item["community_code"] == community for item in page["items"])
    mine = next(item for item in page["items"] if item["cell"] == cell)
    assert mine["assigned_by"] == "manual" and isinstance(mine["worker_id"], int)


def test_bad_cell_edits_are_refused(app: Any, session: Session) -> None:
    cell, _ = wangjing_cell(app, session)
    dispatcher = client(app, "dispatcher")
    wrong = dispatcher.patch(f"/api/grid/cells/{cell}", json={"community_code": "110101001001"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "community_code"
    not_worker = dispatcher.put(f"/api/grid/cells/{cell}/worker", json={"username": "op_gov"})
    assert not_worker.status_code == 422 and not_worker.json()["error"]["field"] == "username"
