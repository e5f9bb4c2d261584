"""JSON routes for the unit directory: staff read it, admins edit it."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from zhili.deps import DbSession
from zhili.units import repository, service
from zhili.units.models import UNIT_KIND_LABELS, Unit, UnitKind
from zhili.units.policy import UnitEditor, UnitReader
from zhili.units.schemas import UnitCreateIn, UnitOut, UnitUpdateIn

router = APIRouter(prefix="/api/units", tags=["units"])


class UnitPage(BaseModel):
    total: int
    items: list[UnitOut]


def _out(session: Session, rows: Sequence[tuple[Unit, str | None]]) -> list[UnitOut]:
    areas = repository.jurisdictions(session, [unit.id for unit, _ in rows])
    return [
        UnitOut(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            kind=unit.kind,
            kind_label=UNIT_KIND_LABELS[unit.kind],
            unit_type=unit.unit_type,
            parent_code=parent_code,
            division_code=unit.division_code,
            contact_phone=unit.contact_phone,
            active=unit.active,
            jurisdiction=areas.get(unit.id, []),
        )
        for unit, parent_code in rows
    ]


def _one(session: Session, code: str) -> UnitOut:
    unit = repository.get_by_code(session, code)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return _out(session, [(unit, parent.code if parent else None)])[0]


@router.get("", response_model=UnitPage)
def list_units(
    _actor: UnitReader,
    session: DbSession,
    kind: UnitKind | None = None,
    division: str | None = Query(default=None, max_length=12, description="行政区划编码前缀"),
    unit_type: str | None = Query(default=None, max_length=32),
    q: str | None = Query(default=None, max_length=64),
    include_inactive: bool = False,
    limit: int = Query(default=200, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> UnitPage:
    rows, total = repository.list_units(
        session,
        kind=kind,
        division_prefix=division,
        unit_type=unit_type,
        q=q,
        active=None if include_inactive else True,
        limit=limit,
        offset=offset,
    )
    return UnitPage(total=total, items=_out(session, rows))


@router.get("/{code}", response_model=UnitOut)
def get_unit(code: str, _actor: UnitReader, session: DbSession) -> UnitOut:
    return _one(session, code)


@router.post("", response_model=UnitOut, status_code=201)
def create_unit(body: UnitCreateIn, admin: UnitEditor, session: DbSession) -> UnitOut:
    service.create_unit(session, actor=admin.username, **body.model_dump())
    return _one(session, body.code)


@router.patch("/{code}", response_model=UnitOut)
def update_unit(code: str, body: UnitUpdateIn, admin: UnitEditor, session: DbSession) -> UnitOut:
    service.update_unit(session, code, actor=admin.username, **body.model_dump(exclude_unset=True))
    return _one(session, code)
