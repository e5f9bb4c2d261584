"""``GET /api/divisions/pick``: 区、街乡、社区 by name, pinyin initials or code, optionally within a
parent (a street's communities); for volunteer registration, routing rules and locating a case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.orm import aliased

from zhili.deps import DbSession
from zhili.divisions.models import LEVEL_LABELS, Division, DivisionLevel
from zhili.divisions.policy import PlaceReader
from zhili.kernel.picker import Candidate, PickList, pick

router = APIRouter(prefix="/api/divisions", tags=["divisions"])


@router.get("/pick", response_model=PickList, summary="按名称、拼音首字母或编码选择区、街乡或社区")
def pick_divisions(
    session: DbSession,
    actor: PlaceReader,
    q: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[DivisionLevel | None, Query()] = None,
    parent: Annotated[str, Query(max_length=12, pattern=r"^\d*$")] = "",
) -> PickList:
    up = aliased(Division)
    statement = select(Division.code, Division.name, Division.level, up.name).outerjoin(
        up, up.code == Division.parent_code
    )
    if level is not None:
        statement = statement.where(Division.level == level)
    if parent:
        statement = statement.where(Division.code.startswith(parent))
    query = q.strip()
    if query and not query.isascii():
        statement = statement.where(Division.name.contains(query))  # Chinese: let the index narrow it
    elif query.isdigit():
        statement = statement.where(Division.code.startswith(query))
    rows = session.execute(statement)
    return pick(
        q,
        (
            Candidate(code, name, f"{LEVEL_LABELS[lvl]}{' · ' + above if above else ''}")
            for code, name, lvl, above in rows
        ),
    )
