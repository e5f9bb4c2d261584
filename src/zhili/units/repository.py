"""Queries over units and their jurisdictions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from zhili.errors import NotFound
from zhili.units.models import Unit, UnitJurisdiction, UnitKind


def get_by_code(session: Session, code: str) -> Unit:
    unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None:
        raise NotFound(f"单位 {code} 不存在")
    return unit


def list_units(
    session: Session,
    *,
    kind: UnitKind | None = None,
    division_prefix: str | None = None,
    unit_type: str | None = None,
    q: str | None = None,
    active: bool | None = True,
    limit: int = 200,
    offset: int = 0,
) -> tuple[Sequence[tuple[Unit, str | None]], int]:
    """Units with their parent's code, and the total matching count."""
    parent = aliased(Unit)
    query = select(Unit, parent.code).outerjoin(parent, parent.id == Unit.parent_id)
    if kind:
        query = query.where(Unit.kind == kind)
    if division_prefix:
        query = query.where(Unit.division_code.startswith(division_prefix, autoescape=True))
    if unit_type:
        query = query.where(Unit.unit_type == unit_type)
    if q:
        query = query.where(or_(Unit.name.contains(q, autoescape=True), Unit.code == q))
    if active is not None:
        query = query.where(Unit.active == active)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = [
        (unit, parent_code)
        for unit, parent_code in session.execute(
            query.order_by(Unit.kind, Unit.code).limit(limit).offset(offset)
        )
    ]
    return rows, int(total)


def jurisdictions(session: Session, unit_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    if not unit_ids:
        return result
    rows = session.execute(
        select(UnitJurisdiction.unit_id, UnitJurisdiction.division_code)
        .where(UnitJurisdiction.unit_id.in_(unit_ids))
        .order_by(UnitJurisdiction.division_code)
    )
    for unit_id, code in rows:
        result[unit_id].append(code)
    return result


def counts_by_kind(session: Session) -> dict[UnitKind, int]:
    rows = session.execute(select(Unit.kind, func.count()).group_by(Unit.kind))
    return {UnitKind(kind): int(count) for kind, count in rows}


# Built once: every intake asks (statement construction costs more than these small queries).
_CENTRES = select(Unit.id, Unit.division_code, Unit.parent_id).where(
    Unit.kind == UnitKind.hotline_centre, Unit.active.is_(True)
)
_AREA = select(Unit.division_code).where(Unit.id == bindparam("unit_id"))


def receiving_centre(session: Session, unit_id: int | None) -> int | None:
    """The 12345 centre that takes in a demand filed by a member of ``unit_id`` (受理中心).

    A centre's own staff take demands for their centre; anyone else (a street's grid worker, a
    community worker) for the deepest active centre whose area holds their unit; someone with no
    unit (a citizen on the portal, an import) for the top-level centre.
    """
    centres = session.execute(_CENTRES).all()
    if unit_id is not None and any(centre.id == unit_id for centre in centres):
        return unit_id
    area = session.execute(_AREA, {"unit_id": unit_id}).scalar() if unit_id else None
    covering = [c for c in centres if area and area.startswith(c.division_code)]
    if covering:
        return max(covering, key=lambda c: (len(c.division_code), -c.id)).id
    top = [c for c in centres if c.parent_id is None]
    return min(top or centres, key=lambda c: c.id).id if (top or centres) else None
