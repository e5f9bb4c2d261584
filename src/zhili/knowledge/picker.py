"""``GET /api/knowledge/pick``: a knowledge entry by its question, pinyin initials or number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from zhili.deps import DbSession
from zhili.kernel.picker import Candidate, PickList, pick
from zhili.knowledge.models import KnowledgeEntry
from zhili.knowledge.policy import KnowledgeReader

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])


@router.get("/pick", response_model=PickList, summary="按问题、拼音首字母或编号选择知识库条目")
def pick_entries(
    session: DbSession, actor: KnowledgeReader, q: Annotated[str, Query(max_length=40)] = ""
) -> PickList:
    rows = session.execute(
        select(KnowledgeEntry.id, KnowledgeEntry.question, KnowledgeEntry.source).where(
            KnowledgeEntry.active.is_(True)
        )
    )
    return pick(q, (Candidate(str(entry_id), question, source) for entry_id, question, source in rows))
