"""The grid of Chaoyang, with the cell of the Wangjing test point moved to a Wangjing community and
given to the grid worker ``grid_wangjing``: the setting of the cell and patrol tests."""

from __future__ import annotations

from typing import Any

import h3
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from support.cases import WANGJING_POINT
from zhili.grid.cells.generate import generate

CHAOYANG = "110105"
CELL_KEYS = {"cell", "district_code", "community_code", "assigned_by", "lat", "lng", "worker_id"}


def wangjing_cell(app: Any, session: Session) -> tuple[str, str]:
    dispatcher = client(app, "dispatcher")  # signs in (commits accounts) before this test writes
    generate(session, 8, CHAOYANG)
    cell = h3.latlng_to_cell(WANGJING_POINT["lat"], WANGJING_POINT["lng"], 8)
    community = wangjing_communities(session, 1)[0]
    moved = dispatcher.patch(f"/api/grid/cells/{cell}", json={"community_code": community})
    assert moved.status_code == 200, moved.text
    assert moved.json()["assigned_by"] == "manual" and set(moved.json()) == CELL_KEYS
    assigned = dispatcher.put(f"/api/grid/cells/{cell}/worker", json={"username": "grid_wangjing"})
    assert assigned.status_code == 200, assigned.text
    assert set(assigned.json()) == {"cell", "worker_id"} and assigned.json()["cell"] == cell
    return cell, community
