"""``GET /api/cases/pick``: another open case by code or title words (the 合并/关联 target), from the
cases this actor may read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_

from zhili.cases.models import Case
from zhili.cases.policy import CaseReader
from zhili.cases.repository import readable_cases
from zhili.cases.states import FINAL_STATES, STATE_LABELS
from zhili.deps import DbSession
from zhili.kernel.picker import PickList, PickOption

router = APIRouter(prefix="/api/cases", tags=["cases"])
LIMIT = 12


@router.get("/pick", response_model=PickList, summary="按编号或标题选择另一件诉求（合并、关联）")
def pick_cases(
    session: DbSession,
    actor: CaseReader,
    q: Annotated[str, Query(max_length=40)] = "",
    exclude: Annotated[str, Query(max_length=24)] = "",
) -> PickList:
    query = q.strip()
    statement = readable_cases(actor).where(Case.state.not_in(FINAL_STATES))
    if query:
        statement = statement.where(or_(Case.code.startswith(query.upper()), Case.title.contains(query)))
    if exclude:
        statement = statement.where(Case.code != exclude)
    cases = session.scalars(statement.order_by(Case.received_at.desc()).limit(LIMIT)).all()
    # The statement matched already (code prefix or title words); newest first.
    options = [PickOption(code=c.code, name=c.title, hint=STATE_LABELS[c.state]) for c in cases]
    return PickList(query=query, options=options)
