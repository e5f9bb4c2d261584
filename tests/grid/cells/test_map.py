"""The grid map (issue 17): /grid draws the readable cells as SVG hexagons with Chinese labels, each
coloured by its open cases and linked to its page; a street's grid worker sees the street's cells with
his own marked, and neither the map nor a cell's page shows another street's cells."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client
from grid.cells.wangjing import wangjing_cell
from support.cases import intake, staff
from zhili.divisions.models import Division
from zhili.grid.cells.map import heat, short_name
from zhili.grid.cells.models import GridCell

CELL_LINK = re.compile(r'<a href="/grid/cells/(\w+)" data-cell')


def _name(session: Session, code: str) -> str:
    return str(session.execute(select(Division.name).where(Division.code == code)).scalar_one())


def _jiuxianqiao_cell(session: Session) -> str:
    jiuxianqiao = GridCell.community_code.startswith("110105011")
    cell = session.scalars(select(GridCell.cell).where(jiuxianqiao)).first()
    assert cell is not None
    return cell


def test_the_grid_workers_map_shows_his_streets_cells_with_his_own_marked(app: Any, session: Session) -> None:
    cell, community = wangjing_cell(app, session)
    intake(staff(app, session).operator)  # an open case at the test point, in ``cell``
    page = client(app, "grid").get("/grid")
    assert page.status_code == 200 and 'data-testid="grid-map"' in page.text
    cells = set(CELL_LINK.findall(page.text))
    assert cell in cells and len(cells) > 1
    own = page.text.split(f'data-cell="{cell}"')[1].split("</a>")[0]
    assert "mine" in own and "heat-0" not in own and "未办结诉求 1 件" in own and "我的网格" in own
    # Chinese labels: the community's short name on the map and in the tooltips, the street's name.
    label = short_name(_name(session, community))
    assert f">{label}</text>" in page.text and "望京街道" in page.text
    # Scoped: no cell of another street, on the default map or when asked for it.
    assert _jiuxianqiao_cell(session) not in cells
    other = client(app, "grid").get("/grid", params={"division": "110105011"})
    assert other.status_code == 200 and not CELL_LINK.findall(other.text)


def test_a_cell_opens_its_page_only_within_the_jurisdiction(app: Any, session: Session) -> None:
    cell, community = wangjing_cell(app, session)
    code = intake(staff(app, session).operator)
    page = client(app, "grid").get(f"/grid/cells/{cell}")
    assert page.status_code == 200, page.text
    assert _name(session, community) in page.text and "望京街道" in page.text
    assert code in page.text and 'data-testid="cell-open">1 件诉求' in page.text
    assert client(app, "grid_jxq").get(f"/grid/cells/{cell}").status_code == 404
    assert client(app, "grid").get(f"/grid/cells/{_jiuxianqiao_cell(session)}").status_code == 404
    assert client(app, "grid").get("/grid/cells/nosuchcell").status_code == 404
    assert client(app, "operator").get(f"/grid/cells/{cell}").status_code == 403


def test_a_district_map_names_streets_and_the_city_asks_for_a_district(app: Any, session: Session) -> None:
    wangjing_cell(app, session)
    district = client(app, "dispatcher").get("/grid", params={"division": "110105"})
    assert district.status_code == 200 and len(CELL_LINK.findall(district.text)) > 100
    assert ">望京街道</text>" in district.text  # streets, not hundreds of communities
    assert client(app, "admin").get("/grid").status_code == 200


def test_heat_classes() -> None:
    assert [heat(n) for n in (0, 1, 2, 3, 4, 6, 7, 50)] == [0, 1, 2, 2, 3, 3, 4, 4]
    assert short_name("望京西园三区社区居委会") == "望京西园三区" and short_name("居委会") == "居委会"
