"""``GET /api/units/pick``: units by name, pinyin initials or code (dispatch, 吹哨, routing rules)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from zhili.deps import DbSession
from zhili.kernel.picker import Candidate, PickList, pick
from zhili.units.models import UNIT_KIND_LABELS, Unit, UnitKind
from zhili.units.policy import UnitReader

router = APIRouter(prefix="/api/units", tags=["units"])


@router.get("/pick", response_model=PickList, summary="按名称、拼音首字母或编码选择单位")
def pick_units(
    session: DbSession,
    actor: UnitReader,
    q: Annotated[str, Query(max_length=40)] = "",
    kind: Annotated[UnitKind | None, Query()] = None,
) -> PickList:
    statement = select(Unit.code, Unit.name, Unit.kind).where(Unit.active.is_(True))
    if kind is not None:
        statement = statement.where(Unit.kind == kind)
    rows = session.execute(statement)
    return pick(q, (Candidate(code, name, UNIT_KIND_LABELS[k]) for code, name, k in rows))
