"""The grid as a map: the readable cells of a division drawn as SVG hexagons (no script, no map
library), each coloured by the open cases in it, labelled by its community and linked to its page.

A case is located at ``ZHILI_H3_RESOLUTION``; it counts for the grid cell that contains it
(``grid_cell_of``). The projection is equirectangular with the longitude scaled by the cosine of the
middle latitude, which is true enough for a district.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import h3
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.models import User
from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.cases.states import OPEN_STATES
from zhili.divisions import repository as divisions
from zhili.grid.cells.generate import grid_cell_of
from zhili.grid.cells.models import GridCell, GridWorkerCell
from zhili.grid.cells.repository import readable_cells

MAX_MAP_CELLS = 3500  # the largest district at the default resolution; the city is chosen by district
WIDTH = 1000
PAD = 12
MAX_LABELS = 60
# Open cases in a cell → its colour class (heat-0 … heat-4), and what the legend says of each.
HEAT_FLOORS = (0, 1, 2, 4, 7)
HEAT_LABELS = ("无", "1 件", "2–3 件", "4–6 件", "7 件及以上")
SUFFIX = re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|村委会)$")
UNASSIGNED = "未划分社区"


@dataclass(frozen=True)
class MapCell:
    cell: str
    points: str
    community: str
    open_cases: int
    heat: int
    mine: bool
    worker: str | None


@dataclass(frozen=True)
class MapLabel:
    x: float
    y: float
    text: str


@dataclass
class GridMap:
    total: int
    width: int = WIDTH
    height: int = 0
    cells: list[MapCell] = field(default_factory=list)
    labels: list[MapLabel] = field(default_factory=list)

    @property
    def too_many(self) -> bool:
        return self.total > MAX_MAP_CELLS

    @property
    def legend(self) -> list[tuple[int, str]]:
        return list(enumerate(HEAT_LABELS))


def heat(open_cases: int) -> int:
    return max(i for i, floor in enumerate(HEAT_FLOORS) if open_cases >= floor)


def short_name(name: str) -> str:
    """望京西园三区社区居委会 → 望京西园三区: a label, not the office's full title."""
    return SUFFIX.sub("", name) or name


def _within(division: str) -> ColumnElement[bool]:
    return or_(
        GridCell.community_code.startswith(division, autoescape=True),
        GridCell.district_code.startswith(division, autoescape=True),
    )


def open_cases_by_cell(
    session: Session, actor: Actor, division: str, cells: set[str], resolution: int
) -> Counter[str]:
    """Open cases the actor may read, per grid cell of ``cells``."""
    statement = (
        readable_cases(actor)
        .with_only_columns(Case.h3_cell, func.count())
        .where(Case.state.in_(OPEN_STATES), Case.h3_cell.is_not(None))
        .group_by(Case.h3_cell)
    )
    if len(division) >= 6:  # a district or finer: only its cases are worth rolling up
        statement = statement.where(Case.district_code == division[:6])
    counts: Counter[str] = Counter()
    for h3_cell, n in session.execute(statement):
        parent = grid_cell_of(h3_cell, resolution)
        if parent in cells:
            counts[parent] += int(n)
    return counts


def build(session: Session, actor: Actor, division: str, resolution: int) -> GridMap:
    where = [readable_cells(actor), _within(division)]
    total = int(session.execute(select(func.count()).select_from(GridCell).where(*where)).scalar_one())
    grid = GridMap(total=total)
    if not total or grid.too_many:
        return grid
    rows = session.execute(
        select(GridCell.cell, GridCell.community_code, GridWorkerCell.user_id, User.display_name)
        .outerjoin(GridWorkerCell, GridWorkerCell.cell == GridCell.cell)
        .outerjoin(User, User.id == GridWorkerCell.user_id)
        .where(*where)
        .order_by(GridCell.cell)
    ).all()
    names = divisions.names_of(session, {community for _, community, _, _ in rows if community})
    counts = open_cases_by_cell(session, actor, division, {cell for cell, *_ in rows}, resolution)
    outlines = {cell: h3.cell_to_boundary(cell) for cell, *_ in rows}
    lats = [lat for ring in outlines.values() for lat, _ in ring]
    lngs = [lng for ring in outlines.values() for _, lng in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = (WIDTH - 2 * PAD) / max((max(lngs) - min(lngs)) * k, 1e-9)
    grid.height = round((max(lats) - min(lats)) * scale) + 2 * PAD

    def xy(lat: float, lng: float) -> tuple[float, float]:
        return (round(PAD + (lng - min(lngs)) * k * scale, 1), round(PAD + (max(lats) - lat) * scale, 1))

    centres: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for cell, community, worker_id, worker in rows:
        points = [xy(lat, lng) for lat, lng in outlines[cell]]
        name = short_name(names[community]) if community in names else UNASSIGNED
        n = counts[cell]
        grid.cells.append(
            MapCell(
                cell=cell,
                points=" ".join(f"{x},{y}" for x, y in points),
                community=name,
                open_cases=n,
                heat=heat(n),
                mine=worker_id is not None and worker_id == actor.user_id,
                worker=worker,
            )
        )
        if community in names:
            centres[name].append(xy(*h3.cell_to_latlng(cell)))
    if len(centres) > MAX_LABELS:  # a district: name its streets, not hundreds of communities
        streets = divisions.names_of(session, {code[:9] for code in names})
        merged: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for code, name in names.items():
            merged[streets.get(code[:9], name)].extend(centres.get(short_name(name), []))
        centres = merged
    for name, spots in sorted(centres.items()):
        if not spots:
            continue
        x = sum(p[0] for p in spots) / len(spots)
        y = sum(p[1] for p in spots) / len(spots)
        grid.labels.append(MapLabel(round(x, 1), round(y, 1), name))
    return grid
